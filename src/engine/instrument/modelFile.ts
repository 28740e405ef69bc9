/** Read, hash and decode an ONNX file. The decoded initializers' raw bytes are views into the one
 * file buffer (protobufjs slices Node Buffers), so the weights are held once. */
import { createHash } from 'node:crypto';
import { open, readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { onnx } from 'onnx-proto';
import { InstrumentError } from './errors.js';
import { openFailure } from '../../util/readBounded';

/** Names of external data files beside a model (model.onnx_data, model.onnx.data, weights.data). */
export const EXTERNAL_DATA_FILE = /\.onnx[._]data$|\.data$/;

export interface LoadedModel {
  path: string;
  bytes: Buffer;
  model: onnx.ModelProto;
}

export async function readModelBytes(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InstrumentError('MODEL_NOT_FOUND', `${openFailure(path, e)}; pick a model folder with onnx/model.onnx`);
    if (code === 'ERR_FS_FILE_TOO_LARGE') {
      throw new InstrumentError('MODEL_UNREADABLE', `${path} is larger than the 2 GB Node reads in one piece: export the model with its weights as external data (model.onnx_data)`);
    }
    throw new InstrumentError('MODEL_UNREADABLE', openFailure(path, e));
  }
}

export function decodeModel(path: string, bytes: Buffer): onnx.ModelProto {
  try {
    const model = onnx.ModelProto.decode(bytes);
    if (!model.graph) throw new Error('no graph');
    return model;
  } catch (e) {
    const msg = String((e as Error).message ?? e);
    const code = /index out of range|invalid wire type/.test(msg) ? 'MODEL_TRUNCATED' : 'MODEL_UNREADABLE';
    throw new InstrumentError(code, `${basename(path)} is not a readable ONNX model (${bytes.length.toLocaleString('en-US')} bytes; ${msg}). ` +
      (code === 'MODEL_TRUNCATED' ? 'The file looks truncated: download or export it again.' : 'Check that it is an .onnx file.'));
  }
}

/** files above this size get the fast key: hashing 650 MB costs ~0.9 s + 0.4 s to read (measured) */
export const FULL_HASH_MAX_BYTES = 64 * 2 ** 20;
const SAMPLE_BYTES = 2 ** 20;
const SAMPLES = 16;

async function fastKey(path: string, h: ReturnType<typeof createHash>): Promise<void> {
  const fh = await open(path, 'r');
  try {
    const { size, mtimeMs } = await fh.stat();
    h.update(`fast:${size}:${mtimeMs}`);
    const buf = Buffer.alloc(SAMPLE_BYTES);
    // the first and last MiB hold the header and the graph's tail; samples in between catch in-place edits
    for (let i = 0; i <= SAMPLES; i++) {
      const at = Math.max(0, Math.floor(((size - SAMPLE_BYTES) * i) / SAMPLES));
      const { bytesRead } = await fh.read(buf, 0, SAMPLE_BYTES, at);
      h.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
}

/** Cache key of a model: sha256 of the .onnx bytes when it is small (the bytes are read anyway),
 * else size + mtime + 17 sampled MiB; plus size and mtime of external data files beside it
 * (hashing multi-GB .onnx_data on every open would cost seconds; a rewrite changes their mtime).
 * Returns the bytes too when it had to read them. */
export async function modelKey(path: string, fullHashMaxBytes = FULL_HASH_MAX_BYTES, names = basename(path)): Promise<{ key: string; bytes?: Buffer }> {
  const h = createHash('sha256');
  let bytes: Buffer | undefined;
  const size = await stat(path).then((s) => s.size, () => -1);
  if (size < 0) await readModelBytes(path); // throws the user-facing not-found error
  if (size <= fullHashMaxBytes) {
    bytes = await readModelBytes(path);
    h.update(bytes);
  } else await fastKey(path, h);
  // the instrumented graph names its weights' files, so one model under two file names (a copy, a cache blob) gets two entries
  h.update(`\nname:${names}`);
  const dir = dirname(path);
  const entries = await readdir(dir).catch(() => [] as string[]);
  for (const f of entries.sort()) {
    if (!EXTERNAL_DATA_FILE.test(f)) continue;
    const s = await stat(join(dir, f));
    h.update(`\n${f}:${s.size}:${s.mtimeMs}`);
  }
  return { key: h.digest('hex'), bytes };
}
