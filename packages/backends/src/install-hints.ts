// What to tell a user whose requested backend is missing: the exact install command and its requirements (each
// built-in backend carries its own hint; these helpers read them by name).
import type { ConcreteBackend } from './backend-names.js';
import { builtinBackendRegistry as builtins } from './backend-registry.js';

/** The package that provides each built-in backend. */
export const BACKEND_PACKAGES: Record<ConcreteBackend, string> = {
  wasm: builtins.get('wasm').packageName,
  cpu: builtins.get('cpu').packageName,
  native: builtins.get('native').packageName,
  tensorflow: builtins.get('tensorflow').packageName,
  'tensorflow-gpu': builtins.get('tensorflow-gpu').packageName,
  webgpu: builtins.get('webgpu').packageName,
};

/** One sentence: how to install the backend and what it needs (`reason`: why it is unavailable, when known). */
export function installHint(name: string, reason = ''): string {
  return builtins.get(name).installHint(reason);
}
