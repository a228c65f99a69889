export { selectBackend, describeBackend, probeBackend, type SelectedBackend, type SelectBackendOptions, type Tf } from './select-backend.js';
export { BACKEND_NAMES, parseBackendName, type BackendName, type ConcreteBackend } from './backend-names.js';
export { BACKEND_PACKAGES, installHint } from './install-hints.js';
export { defineBackend, isBackendPlugin, BackendUnavailable, type BackendPlugin, type BackendContext } from './backend-type.js';
export { createBackendRegistry, backendFlagName, type BackendRegistry } from './backend-registry.js';
export { builtinBackends, cpuBackend, wasmBackend, nativeBackend, tensorflowBackend, tensorflowGpuBackend, loadBackendPackage, activateBackend } from './builtin-backends.js';
