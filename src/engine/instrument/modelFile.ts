/** Read, hash and decode an ONNX file. The decoded initializers' raw bytes are views into the one
 * file buffer (protobufjs slices Node Buffers), so the weights are held once. */
import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { onnx } from 'onnx-proto';
import { InstrumentError } from './errors.js';

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
    if (code === 'ENOENT') throw new InstrumentError('MODEL_NOT_FOUND', `${path} does not exist; pick a model folder with onnx/model.onnx`);
    throw new InstrumentError('MODEL_UNREADABLE', `${path} could not be read (${code ?? String(e)})`);
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

/** sha256 of the graph file's bytes plus size and mtime of external data files beside it (hashing
 * multi-GB .onnx_data on every open would cost seconds; a rewrite changes their mtime). */
export async function modelHash(path: string, bytes: Buffer): Promise<string> {
  const h = createHash('sha256').update(bytes);
  const dir = dirname(path);
  const entries = await readdir(dir).catch(() => [] as string[]);
  for (const f of entries.sort()) {
    if (!/\.onnx[._]data$|\.data$/.test(f)) continue;
    const s = await stat(join(dir, f));
    h.update(`\n${f}:${s.size}:${s.mtimeMs}`);
  }
  return h.digest('hex');
}
