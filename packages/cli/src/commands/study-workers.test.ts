import { describe, expect, it } from 'vitest';
import { defaultWorkers } from './study.js';

describe('study run processes', () => {
  it('one per core on a CPU backend, one on a GPU backend (they would share the GPU), --workers always wins', () => {
    expect(defaultWorkers('native', undefined, 8)).toBe(8);
    expect(defaultWorkers('wasm', undefined, 2)).toBe(2);
    expect(defaultWorkers('webgpu', undefined, 16)).toBe(1);
    expect(defaultWorkers('tensorflow-gpu', undefined, 16)).toBe(1);
    expect(defaultWorkers('webgpu', 3, 16)).toBe(3);
    expect(defaultWorkers('native', 1, 8)).toBe(1);
  });
});
