// The backend contract: a TensorFlow.js backend is a value, registered and resolved by id as noise types, λ
// schedules, loss weightings, optimizers and samplers are (ADR 0008). The built-ins (cpu, wasm, native, tensorflow,
// tensorflow-gpu; builtin-backends.ts) are written this way too; a third party's (a WebGPU or a vendor backend) is a
// module whose default export is one, passed to --plugins.
export type Tf = typeof import('@tensorflow/tfjs');

export interface SelectedBackend {
  /** The backend's flag name ("native", or a plug-in's "<namespace>/<name>"). */
  readonly name: string;
  /** One line for CLIs, e.g. "wasm (WebAssembly, SIMD on, 1 thread) · tfjs 4.22.0". */
  readonly description: string;
  /** The TensorFlow.js namespace the backend is active in (use it for tensors and gradients). */
  readonly tf: Tf;
  /** What ran, as plain values for a run directory: backend, tfjs version and, on native, the kernel and threads. */
  readonly environment: Readonly<Record<string, string | number | boolean | null>>;
  /**
   * Where the device reports a kernel it rejected (a GPU backend): `handler` gets it instead of the run process stopping,
   * e.g. for a measurement that falls back when it fails. Absent on backends whose kernels cannot be rejected.
   */
  readonly onDeviceError?: (handler: (e: Error) => void) => void;
}

/** What a backend gets to load itself: the module loader (tests inject one to simulate missing packages). */
export interface BackendContext {
  load(specifier: string): Promise<unknown>;
  /** True while `auto` tries the backends (a GPU backend then declines a software adapter). */
  readonly auto?: boolean;
}

/** A backend that could not be loaded, with why; `auto` skips it, a named request reports it with the install hint. */
export class BackendUnavailable extends Error {
  constructor(readonly backend: string, readonly reason: string, hint: string) {
    super(`backend '${backend}' is not available: ${reason}; ${hint}`);
  }
}

export interface BackendPlugin {
  readonly kind: 'difflm/backend-plugin';
  /** Namespaced id; the difflm namespace's are named bare on the command line ("native" = "difflm/native"). */
  readonly id: string;
  readonly description: string;
  /** The package that provides it (named in errors). */
  readonly packageName: string;
  /** Position in `auto`'s order, fastest first (lower first); absent: `auto` never tries it. */
  readonly autoOrder?: number;
  /** Backends take no options today; the method keeps the plug-in shape every kind shares. */
  parseOptions(raw: unknown): Record<string, never>;
  /** Load and activate it; throw BackendUnavailable (via ctx helpers) when it cannot run here. */
  create(options: Record<string, never>, ctx: BackendContext): Promise<SelectedBackend>;
  /** Whether it could be selected here, without activating it (default: try to load its package); a BackendUnavailable it throws is its reason. */
  probe?(ctx: BackendContext): Promise<{ available: true } | { available: false; reason: string }>;
  /** One sentence: how to install it and what it needs (`reason`: why it is unavailable, when known). */
  installHint(reason: string): string;
}

/** Identity helper that types a backend plug-in (no registration side effect). */
export function defineBackend(plugin: Omit<BackendPlugin, 'kind' | 'parseOptions'> & Partial<Pick<BackendPlugin, 'parseOptions'>>): BackendPlugin {
  const parseOptions = plugin.parseOptions ?? ((raw: unknown): Record<string, never> => {
    if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw) || Object.keys(raw).length > 0)) throw new Error(`${plugin.id} takes no options`);
    return {};
  });
  return Object.freeze({ kind: 'difflm/backend-plugin' as const, ...plugin, parseOptions });
}

const ID_PATTERN = /^[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._-]*$/i;

/** True when value has the shape of a BackendPlugin. */
export function isBackendPlugin(value: unknown): value is BackendPlugin {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return v.kind === 'difflm/backend-plugin' && typeof v.id === 'string' && ID_PATTERN.test(v.id) && typeof v.create === 'function' && typeof v.installHint === 'function' && typeof v.packageName === 'string';
}
