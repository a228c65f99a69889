// Save/load a model as a JSON manifest plus one little-endian float32 weight blob (format documented
// in the package README). File I/O stays with the caller.
import { resolveModelConfig, type ModelConfig, type ModelConfigInput } from './config.js';
import { parameterLayout, type ParamSpec } from './parameter-layout.js';
import { buildTransformer, type Transformer } from './transformer.js';
import { crc32 } from './crc32.js';

export const MODEL_FORMAT = 'difflm-model';
export const MODEL_FORMAT_VERSION = 1;

export interface ParamEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32';
  /** Byte offset into the weights blob. */
  readonly offset: number;
  /** Number of bytes (4 × element count). */
  readonly byteLength: number;
}

export interface ModelManifest {
  readonly format: typeof MODEL_FORMAT;
  readonly version: number;
  readonly config: ModelConfig;
  readonly params: readonly ParamEntry[];
  /** Total size of the weights blob in bytes. */
  readonly byteLength: number;
  /** CRC-32 (IEEE) of the weights blob, to detect corruption. */
  readonly crc32: number;
  /** Free-form JSON the caller stores with the model (noise spec, tokenizer, training metadata). */
  readonly extra: Record<string, unknown>;
}

export interface SerializedModel {
  readonly manifest: ModelManifest;
  readonly weights: Uint8Array;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Manifest and weights of a model (reads the variables asynchronously; works on every backend). */
export async function serializeModel(model: Transformer, extra: Record<string, unknown> = {}): Promise<SerializedModel> {
  const entries: ParamEntry[] = [];
  let offset = 0;
  for (const p of model.params) {
    const byteLength = 4 * p.variable.size;
    entries.push({ name: p.name, shape: [...p.variable.shape], dtype: 'float32', offset, byteLength });
    offset += byteLength;
  }
  const weights = new Uint8Array(offset);
  const view = new DataView(weights.buffer);
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as ParamEntry;
    const data = (await (model.params[i] as Transformer['params'][number]).variable.data()) as Float32Array;
    if (LITTLE_ENDIAN_HOST) weights.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), entry.offset);
    else for (let j = 0; j < data.length; j++) view.setFloat32(entry.offset + 4 * j, data[j] as number, true);
  }
  const manifest: ModelManifest = {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    config: model.config,
    params: entries,
    byteLength: offset,
    crc32: crc32(weights),
    extra: JSON.parse(JSON.stringify(extra)) as Record<string, unknown>,
  };
  return { manifest, weights };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Check a manifest against the layout its config implies; returns the resolved config. */
export function validateManifest(manifest: ModelManifest): ModelConfig {
  if (!manifest || typeof manifest !== 'object') throw new Error('model manifest: expected a JSON object');
  if (manifest.format !== MODEL_FORMAT) throw new Error(`model manifest: format must be '${MODEL_FORMAT}', got ${JSON.stringify(manifest.format)}`);
  if (manifest.version !== MODEL_FORMAT_VERSION) {
    throw new Error(`model manifest: unsupported version ${JSON.stringify(manifest.version)} (this build reads version ${MODEL_FORMAT_VERSION})`);
  }
  const config = resolveModelConfig(manifest.config as ModelConfigInput);
  const layout = parameterLayout(config);
  if (!Array.isArray(manifest.params) || manifest.params.length !== layout.length) {
    throw new Error(`model manifest: params must list ${layout.length} entries for this config, got ${Array.isArray(manifest.params) ? manifest.params.length : typeof manifest.params}`);
  }
  let offset = 0;
  layout.forEach((spec: ParamSpec, i) => {
    const e = manifest.params[i] as ParamEntry;
    if (e.name !== spec.name) throw new Error(`model manifest: params[${i}].name must be '${spec.name}', got ${JSON.stringify(e.name)}`);
    if (!Array.isArray(e.shape) || !sameShape(e.shape, spec.shape)) {
      throw new Error(`model manifest: '${spec.name}' has shape [${String(e.shape)}] but the config needs [${spec.shape.join(', ')}]`);
    }
    if (e.dtype !== 'float32') throw new Error(`model manifest: '${spec.name}' dtype must be 'float32', got ${JSON.stringify(e.dtype)}`);
    const bytes = 4 * spec.shape.reduce((a, b) => a * b, 1);
    if (e.offset !== offset || e.byteLength !== bytes) {
      throw new Error(`model manifest: '${spec.name}' must occupy bytes [${offset}, ${offset + bytes}), got offset ${e.offset} length ${e.byteLength}`);
    }
    offset += bytes;
  });
  if (manifest.byteLength !== offset) throw new Error(`model manifest: byteLength must be ${offset}, got ${manifest.byteLength}`);
  return config;
}

/** Rebuild a model from a manifest and its weights; clear errors for a wrong manifest or corrupt/truncated weights. */
export function deserializeModel(manifest: ModelManifest, weights: Uint8Array): Transformer {
  const config = validateManifest(manifest);
  if (!(weights instanceof Uint8Array)) throw new Error('model weights: expected a Uint8Array');
  if (weights.byteLength !== manifest.byteLength) {
    throw new Error(`model weights: expected ${manifest.byteLength} bytes, got ${weights.byteLength} (${weights.byteLength < manifest.byteLength ? 'truncated' : 'trailing data'}); the weights file does not belong to this manifest or is damaged`);
  }
  const crc = crc32(weights);
  if (crc !== manifest.crc32) throw new Error(`model weights: CRC-32 ${crc} does not match the manifest's ${manifest.crc32}; the weights are corrupt`);
  const byName = new Map(manifest.params.map((e) => [e.name, e]));
  const view = new DataView(weights.buffer, weights.byteOffset, weights.byteLength);
  return buildTransformer(config, (spec) => {
    const e = byName.get(spec.name) as ParamEntry;
    const out = new Float32Array(e.byteLength / 4);
    if (LITTLE_ENDIAN_HOST) new Uint8Array(out.buffer).set(weights.subarray(e.offset, e.offset + e.byteLength));
    else for (let j = 0; j < out.length; j++) out[j] = view.getFloat32(e.offset + 4 * j, true);
    for (let j = 0; j < out.length; j++) {
      if (!Number.isFinite(out[j])) throw new Error(`model weights: '${spec.name}' holds a non-finite value at index ${j}; the weights are corrupt`);
    }
    return out;
  });
}
