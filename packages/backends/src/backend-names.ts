// The built-in backends an app can ask for; 'auto' picks the fastest one installed. Plug-in backends are named by
// their namespaced id (backend-registry.ts).
import { builtinBackendRegistry, type BackendRegistry } from './backend-registry.js';

/** Built-in concrete backends, fastest first in the order 'auto' tries them. */
export const BACKEND_NAMES = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'native', 'wasm', 'cpu'] as const;

export type ConcreteBackend = (typeof BACKEND_NAMES)[number];
export type BackendName = 'auto' | ConcreteBackend;

/** Validate a user-supplied backend name (for example a CLI flag) against the registry (default: the built-ins). */
export function parseBackendName(name: string, backends: BackendRegistry = builtinBackendRegistry): string {
  if (name === 'auto') return name;
  backends.get(name);
  return name;
}
