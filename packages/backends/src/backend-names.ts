// The backends an app can ask for; 'auto' picks the fastest one installed.

/** Concrete backends, fastest first in the order 'auto' tries them. */
export const BACKEND_NAMES = ['tensorflow-gpu', 'tensorflow', 'native', 'wasm', 'cpu'] as const;

export type ConcreteBackend = (typeof BACKEND_NAMES)[number];
export type BackendName = 'auto' | ConcreteBackend;

/** Validate a user-supplied backend name (for example a CLI flag). */
export function parseBackendName(name: string): BackendName {
  if (name === 'auto' || (BACKEND_NAMES as readonly string[]).includes(name)) return name as BackendName;
  throw new Error(`--backend: unknown backend '${name}'; choose one of auto, ${BACKEND_NAMES.join(', ')}`);
}
