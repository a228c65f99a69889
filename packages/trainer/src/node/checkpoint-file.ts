// The checkpoint file format (documented in README.md, "Checkpoints"), version 2:
//   bytes 0–7   magic "DLMCKPT2"
//   bytes 8–11  header length H (uint32 little-endian)
//   H bytes     UTF-8 JSON header: format, version, step, tokens, flops, rng, data position, config,
//               optimizer {kind, step}, tensors [{key, shape, offset, length}], payloadBytes
//   payload     float32 little-endian values of every tensor, concatenated in header order
//   last 32     SHA-256 of every byte before it (magic, header and payload)
// The digest covers the header too, so an edited step or tensor offset is as much an error as a flipped weight;
// the reader then checks every header value it acts on (integers, ranges, tensor layout) before using any of it.
// Version 1 files (a CRC-32 of the payload only, in the header) are still read, with the same header checks.
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { TrainerState } from '../trainer-state.js';

const MAGIC_V1 = 'DLMCKPT1';
const MAGIC = 'DLMCKPT2';
const DIGEST_BYTES = 32;
export const CHECKPOINT_FORMAT = 'difflm-checkpoint';
export const CHECKPOINT_VERSION = 2;

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
  /** Version 1 only: CRC-32 of the payload. */
  readonly crc32?: number;
}

const sha256 = (bytes: Uint8Array): Buffer => createHash('sha256').update(bytes).digest();

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
    tensors, payloadBytes: payload.length,
  };
  const head = new TextEncoder().encode(JSON.stringify(header));
  const body = 12 + head.length + payload.length;
  const out = new Uint8Array(body + DIGEST_BYTES);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, head.length, true);
  out.set(head, 12);
  out.set(payload, 12 + head.length);
  out.set(sha256(out.subarray(0, body)), body);
  return out;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isAmount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** Every header value the reader acts on, checked; the first problem, or null. */
function headerProblem(h: Record<string, unknown>, payloadLength: number): string | null {
  if (!isCount(h.step)) return `step ${JSON.stringify(h.step)} is not a non-negative integer`;
  if (!isAmount(h.tokens)) return `tokens ${JSON.stringify(h.tokens)} is not a non-negative number`;
  if (!isAmount(h.flops)) return `flops ${JSON.stringify(h.flops)} is not a non-negative number`;
  const opt = h.optimizer as Record<string, unknown> | null;
  if (typeof opt !== 'object' || opt === null || typeof opt.kind !== 'string' || !isCount(opt.step)) return 'optimizer is not {kind, step}';
  if (!isCount(h.payloadBytes) || h.payloadBytes !== payloadLength) return `payloadBytes ${JSON.stringify(h.payloadBytes)} does not match the ${payloadLength} payload bytes`;
  if (!Array.isArray(h.tensors)) return 'tensors is not a list';
  const keys = new Set<string>();
  let offset = 0;
  for (const [i, raw] of (h.tensors as unknown[]).entries()) {
    const t = raw as Record<string, unknown> | null;
    if (typeof t !== 'object' || t === null || typeof t.key !== 'string') return `tensors[${i}] has no key`;
    if (!/^(param\/.+|optim\/.+\/[^/]+)$/.test(t.key)) return `tensors[${i}].key "${t.key}" is not param/<name> or optim/<name>/<slot>`;
    if (keys.has(t.key)) return `tensors[${i}].key "${t.key}" appears twice`;
    keys.add(t.key);
    if (!Array.isArray(t.shape) || !t.shape.every(isCount)) return `tensors[${i}] (${t.key}) shape ${JSON.stringify(t.shape)} is not a list of sizes`;
    const size = (t.shape as number[]).reduce((a, b) => a * b, 1);
    if (!isCount(t.length) || t.length !== size) return `tensors[${i}] (${t.key}) length ${JSON.stringify(t.length)} does not match its shape [${String(t.shape)}]`;
    if (t.offset !== offset) return `tensors[${i}] (${t.key}) offset ${JSON.stringify(t.offset)} is not ${offset}, where the previous tensor ends`;
    offset += 4 * size;
  }
  if (offset !== payloadLength) return `the tensors cover ${offset} of the ${payloadLength} payload bytes`;
  return null;
}

/**
 * Read a checkpoint file's bytes. `where` names the file in errors; `expectedStep`, when given, is the step its
 * file name says, which the header must agree with.
 */
export function decodeCheckpoint(bytes: Uint8Array, where: string, expectedStep?: number): { state: TrainerState; config: unknown } {
  const fail = (why: string): never => {
    throw new Error(`checkpoint ${where} is unreadable: ${why}. Delete it to resume from an earlier checkpoint, or start a new run`);
  };
  const magic = bytes.length >= 12 ? new TextDecoder().decode(bytes.subarray(0, 8)) : '';
  if (magic !== MAGIC && magic !== MAGIC_V1) fail('not a difflm checkpoint (bad magic bytes)');
  const v1 = magic === MAGIC_V1;
  const body = v1 ? bytes.length : bytes.length - DIGEST_BYTES;
  const headLen = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  if (body < 12 || 12 + headLen > body) fail(`truncated header (${bytes.length} bytes, header needs ${12 + headLen})`);
  if (!v1 && Buffer.compare(sha256(bytes.subarray(0, body)), Buffer.from(bytes.buffer, bytes.byteOffset + body, DIGEST_BYTES)) !== 0) {
    fail('checksum mismatch (the file is truncated, corrupted or edited)');
  }
  let header: CheckpointHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headLen))) as CheckpointHeader;
  } catch (e) {
    return fail(`header is not JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('header is not a JSON object');
  const version = v1 ? 1 : CHECKPOINT_VERSION;
  if (header.format !== CHECKPOINT_FORMAT || header.version !== version) fail(`format ${String(header.format)} v${String(header.version)} is not ${CHECKPOINT_FORMAT} v${version}`);
  const payload = bytes.subarray(12 + headLen, body);
  if (v1) {
    if (payload.length !== header.payloadBytes) fail(`truncated payload (${payload.length} of ${String(header.payloadBytes)} bytes)`);
    if (crc32(payload) !== header.crc32) fail('payload checksum mismatch (the file is corrupted)');
  }
  const problem = headerProblem(header as unknown as Record<string, unknown>, payload.length);
  if (problem) fail(problem);
  if (expectedStep !== undefined && header.step !== expectedStep) fail(`its header says step ${header.step} but its file name says step ${expectedStep}`);
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
