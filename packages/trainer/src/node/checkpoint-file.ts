// The checkpoint file format (documented in README.md, "Checkpoints"):
//   bytes 0–7   magic "DLMCKPT1"
//   bytes 8–11  header length H (uint32 little-endian)
//   H bytes     UTF-8 JSON header: format, version, step, tokens, flops, rng, data position, config,
//               optimizer {kind, step}, tensors [{key, shape, offset, length}], payloadBytes, crc32
//   payload     float32 little-endian values of every tensor, concatenated in header order
// The CRC-32 of the payload and the declared lengths make a truncated or corrupted file an error.
import { crc32 } from 'node:zlib';
import type { TrainerState } from '../trainer-state.js';

const MAGIC = 'DLMCKPT1';
export const CHECKPOINT_FORMAT = 'difflm-checkpoint';
export const CHECKPOINT_VERSION = 1;

interface TensorEntry { key: string; shape: number[]; offset: number; length: number }

export interface CheckpointHeader {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly version: number;
  readonly step: number;
  readonly tokens: number;
  readonly flops: number;
  readonly rng: TrainerState['rng'];
  readonly data: unknown;
  readonly config: unknown;
  readonly optimizer: { kind: string; step: number };
  readonly tensors: TensorEntry[];
  readonly payloadBytes: number;
  readonly crc32: number;
}

export function encodeCheckpoint(state: TrainerState, config: unknown): Uint8Array {
  const blobs: Float32Array[] = [];
  const tensors: TensorEntry[] = [];
  let offset = 0;
  const add = (key: string, shape: number[], values: Float32Array): void => {
    tensors.push({ key, shape, offset, length: values.length });
    blobs.push(values);
    offset += values.length * 4;
  };
  for (const [name, t] of Object.entries(state.params)) add(`param/${name}`, t.shape, t.values);
  for (const [name, slots] of Object.entries(state.optimizer.slots)) {
    for (const [slot, t] of Object.entries(slots)) add(`optim/${name}/${slot}`, t.shape, t.values);
  }
  const payload = new Uint8Array(offset);
  const view = new DataView(payload.buffer);
  let o = 0;
  for (const b of blobs) for (let i = 0; i < b.length; i++, o += 4) view.setFloat32(o, b[i]!, true);
  const header: CheckpointHeader = {
    format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, step: state.step, tokens: state.tokens, flops: state.flops,
    rng: state.rng, data: state.data, config, optimizer: { kind: state.optimizer.kind, step: state.optimizer.step },
    tensors, payloadBytes: payload.length, crc32: crc32(payload),
  };
  const head = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(12 + head.length + payload.length);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, head.length, true);
  out.set(head, 12);
  out.set(payload, 12 + head.length);
  return out;
}

export function decodeCheckpoint(bytes: Uint8Array, where: string): { state: TrainerState; config: unknown } {
  const fail = (why: string): never => {
    throw new Error(`checkpoint ${where} is unreadable: ${why}. Delete it to resume from an earlier checkpoint, or start a new run`);
  };
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) fail('not a difflm checkpoint (bad magic bytes)');
  const headLen = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (12 + headLen > bytes.length) fail(`truncated header (${bytes.length} bytes, header needs ${12 + headLen})`);
  let header: CheckpointHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headLen))) as CheckpointHeader;
  } catch (e) {
    return fail(`header is not JSON (${(e as Error).message})`);
  }
  if (header.format !== CHECKPOINT_FORMAT || header.version !== CHECKPOINT_VERSION) fail(`format ${String(header.format)} v${String(header.version)} is not ${CHECKPOINT_FORMAT} v${CHECKPOINT_VERSION}`);
  const payload = bytes.subarray(12 + headLen);
  if (payload.length !== header.payloadBytes) fail(`truncated payload (${payload.length} of ${header.payloadBytes} bytes)`);
  if (crc32(payload) !== header.crc32) fail('payload checksum mismatch (the file is corrupted)');
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const params: TrainerState['params'] = {};
  const slots: TrainerState['optimizer']['slots'] = {};
  for (const t of header.tensors) {
    const values = new Float32Array(t.length);
    for (let i = 0; i < t.length; i++) values[i] = view.getFloat32(t.offset + 4 * i, true);
    const [kind, ...rest] = t.key.split('/');
    if (kind === 'param') params[rest.join('/')] = { shape: t.shape, values };
    else {
      const slot = rest.pop()!;
      const name = rest.join('/');
      (slots[name] ??= {})[slot] = { shape: t.shape, values };
    }
  }
  return {
    config: header.config,
    state: {
      version: 1, step: header.step, tokens: header.tokens, flops: header.flops, rng: header.rng, data: header.data,
      optimizer: { kind: header.optimizer.kind, step: header.optimizer.step, slots }, params,
    },
  };
}
