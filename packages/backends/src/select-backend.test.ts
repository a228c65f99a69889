import { describe, expect, it } from 'vitest';
import { describeBackend, probeBackend, selectBackend } from './select-backend.js';

/** A loader that behaves as if `missing` packages were not installed. */
const without = (...missing: string[]) => (specifier: string): Promise<unknown> => {
  if (missing.includes(specifier)) {
    return Promise.reject(Object.assign(new Error(`Cannot find package '${specifier}' imported from here`), { code: 'ERR_MODULE_NOT_FOUND' }));
  }
  return import(specifier);
};

describe('selectBackend', () => {
  it('selects cpu and wasm, which compute the same product', async () => {
    const cpu = await selectBackend('cpu');
    expect(cpu.name).toBe('cpu');
    expect(cpu.tf.getBackend()).toBe('cpu');
    const a = cpu.tf.matMul(cpu.tf.tensor2d([[1, 2], [3, 4]]), cpu.tf.tensor2d([[5], [6]])).dataSync();
    const wasm = await selectBackend('wasm');
    expect(wasm.name).toBe('wasm');
    expect(wasm.tf.getBackend()).toBe('wasm');
    expect(wasm.description).toMatch(/^wasm \(WebAssembly, SIMD (on|off), .*\) · tfjs 4\.22\.0$/);
    expect(describeBackend()).toBe(wasm.description);
    const b = wasm.tf.matMul(wasm.tf.tensor2d([[1, 2], [3, 4]]), wasm.tf.tensor2d([[5], [6]])).dataSync();
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(Array.from(a)).toEqual([17, 39]);
  });

  it('a missing tensorflow-gpu or tensorflow backend throws the install command', async () => {
    const load = without('@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node');
    await expect(selectBackend('tensorflow-gpu', { importModule: load })).rejects.toThrow(
      /backend 'tensorflow-gpu' is not available: @tensorflow\/tfjs-node-gpu is not installed; install it with `npm install @tensorflow\/tfjs-node-gpu@4\.22\.0` \(.*CUDA/);
    await expect(selectBackend('tensorflow', { importModule: load })).rejects.toThrow(/npm install @tensorflow\/tfjs-node@4\.22\.0/);
  });

  it('with the real module loader, tensorflow-gpu either works on a GPU or explains how to install it', async () => {
    const result = await selectBackend('tensorflow-gpu').then((s) => s, (e: unknown) => e);
    if (result instanceof Error) expect(result.message).toMatch(/backend 'tensorflow-gpu' is not available: .*npm install @tensorflow\/tfjs-node-gpu@4\.22\.0/);
    else expect(result).toMatchObject({ name: 'tensorflow-gpu' });
  });

  it('a package that is installed but fails to load says so', async () => {
    const broken = (s: string) => (s === '@tensorflow/tfjs-node' ? Promise.reject(new Error('libtensorflow.so.2: cannot open shared object file')) : import(s));
    await expect(selectBackend('tensorflow', { importModule: broken })).rejects.toThrow(/installed but failed to load \(libtensorflow\.so\.2/);
  });

  it('rejects an unknown backend name, naming the choices', async () => {
    await expect(selectBackend('webgpu')).rejects.toThrow(/unknown backend 'webgpu'; choose one of auto, tensorflow-gpu, tensorflow, native, wasm, cpu/);
  });

  it('auto skips backends that are not installed and falls back to wasm', async () => {
    const sel = await selectBackend('auto', { importModule: without('@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node', '@difflm/backend-native') });
    expect(sel.name).toBe('wasm');
    expect(sel.tf.getBackend()).toBe('wasm');
  });

  it('auto with the real loader picks an installed backend', async () => {
    const sel = await selectBackend('auto');
    expect(['tensorflow-gpu', 'tensorflow', 'native', 'wasm']).toContain(sel.name);
    expect(sel.description.length).toBeGreaterThan(10);
  });

  it('native: selects the OpenBLAS kernels when built, otherwise explains how to install them', async () => {
    const native = await import('@difflm/backend-native');
    if (native.isNativeAvailable()) {
      const sel = await selectBackend('native');
      expect(sel.tf.getBackend()).toBe('native');
      expect(sel.description).toMatch(/^native \(cpu backend with OpenBLAS kernels/);
      expect(Array.from(sel.tf.matMul(sel.tf.tensor2d([[1, 2]]), sel.tf.tensor2d([[3], [4]])).dataSync())).toEqual([11]);
    } else {
      await expect(selectBackend('native')).rejects.toThrow(/npm install @difflm\/backend-native/);
    }
    await expect(selectBackend('native', { importModule: without('@difflm/backend-native') })).rejects.toThrow(/@difflm\/backend-native is not installed; install it with `npm install @difflm\/backend-native`/);
  });
});

describe('selectBackend with an unbuilt native package', () => {
  it('names the reason once and one fix, and does not claim a fallback it will not make', async () => {
    const note = 'native addon not built (gyp ERR! cblas.h: No such file or directory)';
    const unbuilt = (s: string) => (s === '@difflm/backend-native'
      ? Promise.resolve({ registerNativeKernels: () => false, nativeInfo: () => ({ available: false, reason: note }) })
      : import(s));
    const err = await selectBackend('native', { importModule: unbuilt }).then(() => null, (e: Error) => e);
    expect(err!.message).toBe(`backend 'native' is not available: ${note}; install libopenblas-dev, a C++ compiler and python3, then rebuild it with \`npm rebuild @difflm/backend-native\` (or choose --backend wasm)`);
    expect(err!.message).not.toMatch(/falls back|will use/);
    expect(err!.message.match(/libopenblas-dev/g)).toHaveLength(1);
    // A dry run asks without activating anything.
    expect(await probeBackend('native', { importModule: unbuilt })).toEqual({ available: false, reason: note });
    expect(await probeBackend('native', { importModule: without('@difflm/backend-native') })).toEqual({ available: false, reason: '@difflm/backend-native is not installed' });
    expect(await probeBackend('cpu')).toEqual({ available: true });
  });
});

describe('selectBackend with an incompatible native package', () => {
  it('treats it as unavailable: a clear error when named, skipped by auto', async () => {
    const stale = (s: string) => (s === '@difflm/backend-native' ? Promise.resolve({}) : import(s));
    await expect(selectBackend('native', { importModule: stale })).rejects.toThrow(/does not export registerNativeKernels/);
    const sel = await selectBackend('auto', { importModule: (s) => (s.startsWith('@tensorflow/tfjs-node') ? Promise.reject(Object.assign(new Error(`Cannot find package '${s}'`), { code: 'ERR_MODULE_NOT_FOUND' })) : stale(s)) });
    expect(sel.name).toBe('wasm');
  });
});
