import { describe, expect, it } from 'vitest';
import { useBackend } from '@difflm/test-utils';
import type { Tensor2D } from '@tensorflow/tfjs-core';
import { resolveModelConfig } from './config.js';
import { crc32 } from './crc32.js';
import { buildTransformer } from './transformer.js';
import { deserializeModel, serializeModel, type ModelManifest } from './serialize.js';
import { seededNormal } from './seeded-normal.js';

describe('serialise / deserialise (cpu)', async () => {
  const tf = await useBackend('cpu');
  const config = resolveModelConfig({ vocabSize: 13, seqLen: 6, dModel: 8, nLayers: 2, nHeads: 2, causal: true });
  const model = buildTransformer(config, (s) => seededNormal(5, s.name, s.shape.reduce((a, b) => a * b, 1), 0.3));
  const saved = await serializeModel(model, { noise: { id: 'difflm/hybrid', options: { b: 0 } }, tokenizer: { kind: 'bytes' } });

  it('crc32 is the IEEE checksum', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('round-trips config, extra, every weight and the logits exactly (through JSON)', async () => {
    const manifest = JSON.parse(JSON.stringify(saved.manifest)) as ModelManifest;
    expect(manifest.extra).toEqual({ noise: { id: 'difflm/hybrid', options: { b: 0 } }, tokenizer: { kind: 'bytes' } });
    expect(saved.weights.byteLength).toBe(4 * model.paramCount());
    const back = deserializeModel(manifest, saved.weights.slice());
    expect(back.config).toEqual(config);
    for (let i = 0; i < model.params.length; i++) {
      expect(back.params[i]!.name).toBe(model.params[i]!.name);
      expect(back.params[i]!.variable.dataSync()).toEqual(model.params[i]!.variable.dataSync());
    }
    const x = tf.tensor2d([[1, 2, 3, 12]], [1, 4], 'int32') as Tensor2D;
    expect(back.apply(x).dataSync()).toEqual(model.apply(x).dataSync());
    back.dispose();
  });

  it('rejects truncated, padded and corrupt weights', () => {
    const { manifest, weights } = saved;
    expect(() => deserializeModel(manifest, weights.subarray(0, weights.length - 4))).toThrow(/expected \d+ bytes, got \d+ \(truncated\)/);
    expect(() => deserializeModel(manifest, new Uint8Array([...weights, 0]))).toThrow(/trailing data/);
    const flipped = weights.slice();
    flipped[100] = (flipped[100] as number) ^ 0x40;
    expect(() => deserializeModel(manifest, flipped)).toThrow(/CRC-32 .* weights are corrupt/);
  });

  it('rejects a wrong manifest with messages naming the field', () => {
    const { manifest, weights } = saved;
    const m = (patch: Partial<Record<keyof ModelManifest, unknown>>) => ({ ...manifest, ...patch }) as ModelManifest;
    expect(() => deserializeModel(m({ format: 'onnx' }), weights)).toThrow(/format must be 'difflm-model'/);
    expect(() => deserializeModel(m({ version: 99 }), weights)).toThrow(/unsupported version 99/);
    expect(() => deserializeModel(m({ config: { ...config, nHeads: 3 } }), weights)).toThrow(/nHeads \(3\) must divide dModel/);
    expect(() => deserializeModel(m({ config: { ...config, nLayers: 3 } }), weights)).toThrow(/params must list 36 entries/);
    const params = manifest.params.map((p) => ({ ...p }));
    params[1] = { ...params[1]!, shape: [9] };
    expect(() => deserializeModel(m({ params }), weights)).toThrow(/'layers.0.attn_norm' has shape \[9\] but the config needs \[8\]/);
    const renamed = manifest.params.map((p, i) => (i === 0 ? { ...p, name: 'tok_embed' } : p));
    expect(() => deserializeModel(m({ params: renamed }), weights)).toThrow(/params\[0\].name must be 'embed'/);
    expect(() => deserializeModel(m({ byteLength: 4 }), weights)).toThrow(/byteLength must be/);
  });

  it('rejects non-finite weights even with a matching checksum', () => {
    const bad = saved.weights.slice();
    new DataView(bad.buffer).setFloat32(8, Number.NaN, true);
    expect(() => deserializeModel({ ...saved.manifest, crc32: crc32(bad) }, bad)).toThrow(/'embed' holds a non-finite value at index 2/);
  });
});
