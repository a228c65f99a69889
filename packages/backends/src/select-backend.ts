// Chooses, loads and activates a TensorFlow.js backend for an app. Backends are values in a registry
// (backend-registry.ts; the built-ins in builtin-backends.ts); optional packages are imported by name only when
// asked for, so a missing one costs nothing, and a missing backend that was explicitly requested is an Error saying
// how to install it.
import { BackendUnavailable, type BackendContext, type SelectedBackend, type Tf } from './backend-type.js';
import { backendFlagName, builtinBackendRegistry, type BackendRegistry } from './backend-registry.js';
import { loadBackendPackage } from './builtin-backends.js';
import type { BackendName } from './backend-names.js';

export type { SelectedBackend, Tf };

export interface SelectBackendOptions {
  /** Module loader (default: dynamic import); tests inject one to simulate installed or missing packages. */
  readonly importModule?: (specifier: string) => Promise<unknown>;
  /** The backends a name may resolve to (default: the built-ins); plug-in backends join through --plugins. */
  readonly backends?: BackendRegistry;
}

const defaultImport = (specifier: string): Promise<unknown> => import(/* @vite-ignore */ specifier);

const contextOf = (opts: SelectBackendOptions): BackendContext => ({ load: opts.importModule ?? defaultImport });

/**
 * Whether a backend could be selected here, without activating it (for plans and dry runs). Loads the package
 * (native: reads its build state); a GPU backend's device is only checked by selectBackend.
 */
export async function probeBackend(name: string, opts: SelectBackendOptions = {}): Promise<{ available: true } | { available: false; reason: string }> {
  const b = (opts.backends ?? builtinBackendRegistry).get(name);
  const ctx = contextOf(opts);
  try {
    if (b.probe) return await b.probe(ctx);
    await loadBackendPackage(b, backendFlagName(b.id), ctx);
    return { available: true };
  } catch (error) {
    return { available: false, reason: error instanceof BackendUnavailable ? error.reason : String((error as Error).message).split('\n')[0]! };
  }
}

let current: SelectedBackend | undefined;

/**
 * Load and activate a backend. 'auto' tries the registry's backends fastest first (the built-ins: tensorflow-gpu,
 * only when a GPU works, tensorflow, native, wasm, then cpu) and skips the ones that are not installed. A named
 * backend that is missing throws an Error with the install command.
 */
export async function selectBackend(name: BackendName | (string & {}) = 'auto', opts: SelectBackendOptions = {}): Promise<SelectedBackend> {
  const registry = opts.backends ?? builtinBackendRegistry;
  const ctx = contextOf(opts);
  if (name !== 'auto') {
    const b = registry.get(name);
    current = await b.create(b.parseOptions(undefined), ctx);
    return current;
  }
  const skipped: string[] = [];
  for (const b of registry.autoOrder()) {
    try {
      current = await b.create(b.parseOptions(undefined), { ...ctx, auto: true });
      return current;
    } catch (error) {
      if (!(error instanceof BackendUnavailable)) throw error;
      skipped.push(`${error.backend}: ${error.reason}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could be loaded (${skipped.join('; ')})`);
}

/** One line describing the backend chosen by the last selectBackend call (for CLI banners and logs). */
export function describeBackend(): string {
  return current ? current.description : 'no backend selected yet (call selectBackend first)';
}
