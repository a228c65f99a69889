import { describe, expect, it } from 'vitest';
import { describeBackend, probeBackend, selectBackend, type Tf } from './select-backend.js';
import { activateBackend, loadBackendPackage } from './builtin-backends.js';
import { createBackendRegistry } from './backend-registry.js';
import { defineBackend, isBackendPlugin } from './backend-type.js';

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
    await expect(selectBackend('metal')).rejects.toThrow(/unknown backend 'metal'; choose one of auto, tensorflow-gpu, webgpu, tensorflow, native, wasm, cpu/);
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

describe('backends are values', () => {
  // A third party's backend: TensorFlow.js's cpu kernels under a name of its own (what a WebGPU or vendor backend
  // module would register), written only against the public contract.
  const fakeCpu = defineBackend({
    id: 'acme/js', packageName: '@tensorflow/tfjs', autoOrder: 0, description: 'cpu kernels, registered by a plug-in',
    installHint: () => 'it ships with @tensorflow/tfjs',
    async create(_o, ctx) {
      const tf = (await loadBackendPackage(fakeCpu, 'acme/js', ctx)) as Tf;
      await activateBackend(tf, fakeCpu, 'acme/js', 'cpu');
      return { name: 'acme/js', description: 'acme/js (cpu kernels)', tf, environment: { backend: 'acme/js' } };
    },
  });
  const missing = defineBackend({
    id: 'acme/gpu', packageName: '@acme/tfjs-gpu', autoOrder: -1, description: 'needs a package that is not installed',
    installHint: () => 'install it with `npm install @acme/tfjs-gpu`',
    async create(_o, ctx) { await loadBackendPackage(missing, 'acme/gpu', ctx); throw new Error('unreachable'); },
  });

  it('a plug-in backend is selected by its id, auto tries it in its place, and a missing one is skipped and named', async () => {
    // A list of loaded modules may hold other plug-in kinds; the registry takes the backends.
    const backends = createBackendRegistry([{ default: fakeCpu }, { default: { kind: 'difflm/noise-plugin', id: 'acme/x' } }, missing]);
    expect(backends.names()).toEqual(['acme/gpu', 'acme/js', 'tensorflow-gpu', 'webgpu', 'tensorflow', 'native', 'wasm', 'cpu']);
    const sel = await selectBackend('acme/js', { backends });
    expect(sel).toMatchObject({ name: 'acme/js', description: 'acme/js (cpu kernels)' });
    expect(Array.from(sel.tf.add(sel.tf.tensor1d([1, 2]), 1).dataSync())).toEqual([2, 3]);
    await expect(selectBackend('acme/gpu', { backends })).rejects.toThrow(/^backend 'acme\/gpu' is not available: @acme\/tfjs-gpu is not installed; install it with `npm install @acme\/tfjs-gpu`$/);
    expect((await selectBackend('auto', { backends })).name).toBe('acme/js');
    expect(await probeBackend('acme/gpu', { backends })).toMatchObject({ available: false, reason: expect.stringMatching(/@acme\/tfjs-gpu/) });
    await expect(selectBackend('acme/js')).rejects.toThrow(/unknown backend 'acme\/js'; choose one of auto, tensorflow-gpu, .* \(a plug-in backend: pass its module to --plugins\)/);
    expect(() => createBackendRegistry([fakeCpu, fakeCpu])).toThrow(/backend id "acme\/js" is registered twice/);
    // The built-ins are registered the same way, and bare names are difflm's.
    expect(createBackendRegistry().get('native')).toBe(createBackendRegistry().get('difflm/native'));
    expect(isBackendPlugin(createBackendRegistry().get('wasm'))).toBe(true);
  });
});
