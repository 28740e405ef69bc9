/** Write the instrumented graph: the original ModelProto plus the hook tensors as graph outputs, with
 * every embedded weight turned into an external-data reference (location/offset/length) into the
 * user's own .onnx file. Result: a graph file of a few hundred KB, no second copy of the weights on
 * disk or in memory, and the user's folder untouched.
 *
 * ORT 1.30 refuses external data locations that are absolute or escape the model's folder (symlinks
 * included), so the small graph is opened from a buffer with the session option
 * `session.model_external_initializers_file_folder_path` = the user's model folder
 * (see createInstrumentedSession). */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { onnx } from 'onnx-proto';
import type { GraphIndex } from './graphIndex.js';
import { InstrumentError } from './errors.js';

function cacheFailure(error: NodeJS.ErrnoException): string {
  const known: Record<string, string> = { EACCES: 'permission denied', EPERM: 'permission denied', ENOTDIR: 'a part of the path is a file', EROFS: 'read-only file system', ENOSPC: 'the disk is full' };
  return (error.code && known[error.code]) ?? error.code ?? error.message;
}

/** weights smaller than this stay inline (constants, biases: cheap, and keeps the graph self-describing) */
const EXTERNALISE_MIN_BYTES = 1024;

function externalise(model: onnx.ModelProto, bytes: Buffer, fileName: string): number {
  let moved = 0;
  for (const t of model.graph?.initializer ?? []) {
    const raw = t.rawData;
    if (!raw || raw.length < EXTERNALISE_MIN_BYTES || raw.buffer !== bytes.buffer) continue;
    const offset = raw.byteOffset - bytes.byteOffset;
    if (offset < 0 || offset + raw.length > bytes.length) continue;
    t.externalData = [
      onnx.StringStringEntryProto.create({ key: 'location', value: fileName }),
      onnx.StringStringEntryProto.create({ key: 'offset', value: String(offset) }),
      onnx.StringStringEntryProto.create({ key: 'length', value: String(raw.length) }),
    ];
    t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    // an own empty rawData would still be encoded; drop it so only the reference remains
    (t as { rawData?: Uint8Array }).rawData = undefined;
    delete (t as { rawData?: Uint8Array }).rawData;
    moved += raw.length;
  }
  return moved;
}

export interface WriteRequest {
  model: onnx.ModelProto;
  bytes: Buffer;
  modelPath: string;
  g: GraphIndex;
  outputs: string[];
  extraNodes: onnx.INodeProto[];
  outDir: string;
}

export async function writeInstrumented(req: WriteRequest): Promise<string> {
  const { model, g } = req;
  const graph = model.graph as onnx.GraphProto;
  graph.node.push(...req.extraNodes.map((n) => onnx.NodeProto.create(n)));
  for (const name of req.outputs) {
    if (g.graphOutputs.has(name) || g.graphInputs.has(name)) continue;
    const known = g.valueInfo.get(name);
    // the type is optional for ORT (it infers it); copy it when the exporter wrote one
    graph.output.push(onnx.ValueInfoProto.create(known?.type ? { name, type: known.type } : { name }));
  }
  externalise(model, req.bytes, basename(req.modelPath));
  const encoded = onnx.ModelProto.encode(model).finish();
  await mkdir(req.outDir, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw new InstrumentError('CACHE_UNWRITABLE', `Cannot create the instrumentation cache ${req.outDir} (${cacheFailure(error)}): set XDG_CACHE_HOME to a writable folder.`);
  });
  const target = join(req.outDir, 'model.onnx');
  const tmp = `${target}.${process.pid}.tmp`;
  await writeFile(tmp, encoded).catch((error: NodeJS.ErrnoException) => {
    throw new InstrumentError('CACHE_UNWRITABLE', `Cannot write the instrumentation cache ${req.outDir} (${cacheFailure(error)}): set XDG_CACHE_HOME to a writable folder.`);
  });
  await rename(tmp, target); // atomic: a second engine never sees half a file
  return target;
}
