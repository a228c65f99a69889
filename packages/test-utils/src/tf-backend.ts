// Test-side backend choice. Libraries never choose a backend; tests do it here, once per file.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export type TestBackend = 'cpu' | 'wasm';

/** Select a TensorFlow.js backend for the current test file (defaults to cpu: exact and fast to start). */
export async function useBackend(name: TestBackend = 'cpu'): Promise<typeof tf> {
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`could not initialise the TensorFlow.js '${name}' backend`);
  await tf.ready();
  return tf;
}

/** Run `fn` and fail when it leaves tensors behind that it did not return. */
export async function expectNoLeaks<T>(fn: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const out = await fn();
  const after = tf.memory().numTensors;
  if (after !== before) throw new Error(`tensor leak: ${after - before} tensor(s) left alive (before ${before}, after ${after})`);
  return out;
}

export { tf };
