export { selectBackend, describeBackend, probeBackend, type SelectedBackend, type SelectBackendOptions, type Tf } from './select-backend.js';
export { BACKEND_NAMES, parseBackendName, type BackendName, type ConcreteBackend } from './backend-names.js';
export { BACKEND_PACKAGES, installHint } from './install-hints.js';
