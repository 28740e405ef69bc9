/** .safetensors (https://huggingface.co/docs/safetensors): u64 little-endian header length, a JSON
 * header {name: {dtype, shape, data_offsets: [begin, end]}, __metadata__: {string: string}} padded
 * with spaces to 8 bytes, then the raw little-endian tensor bytes. float32 only (dtype "F32"). */
import { open, type FileHandle } from 'node:fs/promises';

export interface SafeTensor {
  dims: number[];
  /** row-major */
  data: Float32Array;
}

export class SafetensorsError extends Error {
  readonly code = 'SAFETENSORS_INVALID';

  constructor(message: string) {
    super(message);
    this.name = 'SafetensorsError';
  }
}

type Tensors = Map<string, SafeTensor> | Record<string, SafeTensor>;

function entries(t: Tensors): [string, SafeTensor][] {
  return t instanceof Map ? [...t.entries()] : Object.entries(t);
}

/** the header bytes (length prefix + padded JSON) and the order of tensors after it */
export function safetensorsHeader(tensors: Tensors, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of entries(tensors)) {
    if (name === '__metadata__') throw new SafetensorsError('a tensor cannot be named __metadata__');
    const count = t.dims.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new SafetensorsError(`${name}: shape [${t.dims}] needs ${count} values, got ${t.data.length}`);
    header[name] = { dtype: 'F32', shape: t.dims, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (Buffer.byteLength(json) % 8)) % 8); // keeps tensor data 8-byte aligned
  const body = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(body.length), true);
  out.set(body, 8);
  return out;
}

function littleEndianBytes(a: Float32Array): Uint8Array {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] === 1) return bytes;
  const out = new Uint8Array(a.byteLength); // big-endian host: swap
  const dv = new DataView(out.buffer);
  a.forEach((v, i) => dv.setFloat32(i * 4, v, true));
  return out;
}

export function encodeSafetensors(tensors: Tensors, metadata?: Record<string, string>): Uint8Array {
  const head = safetensorsHeader(tensors, metadata);
  const total = head.length + entries(tensors).reduce((a, [, t]) => a + t.data.byteLength, 0);
  const out = new Uint8Array(total);
  out.set(head, 0);
  let at = head.length;
  for (const [, t] of entries(tensors)) {
    out.set(littleEndianBytes(t.data), at);
    at += t.data.byteLength;
  }
  return out;
}

/** streams tensor by tensor, so a large export never exists twice in memory */
export async function writeSafetensors(path: string, tensors: Tensors, metadata?: Record<string, string>): Promise<void> {
  const fh = await open(path, 'w');
  try {
    // one gathered write (writev, up to the system's 1,024 buffers a call) instead of an await per tensor
    const parts = [safetensorsHeader(tensors, metadata), ...entries(tensors).map(([, t]) => littleEndianBytes(t.data))];
    for (let i = 0; i < parts.length; i += 1024) {
      const batch = parts.slice(i, i + 1024);
      const want = batch.reduce((a, b) => a + b.byteLength, 0);
      const { bytesWritten } = await fh.writev(batch);
      if (bytesWritten !== want) await writeRest(fh, batch, bytesWritten); // a short write (a full disk throws instead)
    }
  } finally {
    await fh.close();
  }
}

async function writeRest(fh: FileHandle, batch: Uint8Array[], done: number): Promise<void> {
  let skip = done;
  for (const b of batch) {
    if (skip >= b.byteLength) {
      skip -= b.byteLength;
      continue;
    }
    await fh.write(b.subarray(skip));
    skip = 0;
  }
}

export function decodeSafetensors(bytes: Uint8Array): { tensors: Map<string, SafeTensor>; metadata: Record<string, string> } {
  if (bytes.length < 8) throw new SafetensorsError(`file is ${bytes.length} bytes, shorter than the 8-byte header length`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(dv.getBigUint64(0, true));
  if (8 + n > bytes.length) throw new SafetensorsError(`header claims ${n} bytes but the file has ${bytes.length - 8} after the length`);
  const header = JSON.parse(Buffer.from(bytes.subarray(8, 8 + n)).toString('utf8')) as Record<string, unknown>;
  const tensors = new Map<string, SafeTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, v] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = v as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets: [b, e] } = v as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (dtype !== 'F32') throw new SafetensorsError(`${name}: dtype ${dtype} is not supported (F32 only)`);
    const start = 8 + n + b;
    if (start + (e - b) > bytes.length) throw new SafetensorsError(`${name}: data runs past the end of the file`);
    const data = new Float32Array((e - b) >> 2);
    const src = new DataView(bytes.buffer, bytes.byteOffset + start, e - b);
    for (let i = 0; i < data.length; i++) data[i] = src.getFloat32(i * 4, true);
    tensors.set(name, { dims: shape, data });
  }
  return { tensors, metadata };
}
