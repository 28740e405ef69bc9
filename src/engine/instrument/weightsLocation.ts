/**
 * Where the instrumented graph reads its weights from. onnxruntime refuses external data that
 * resolves outside the folder it is given, symlinks included, and the Hugging Face cache stores
 * every file as a link into ../blobs/<sha256>: model.onnx, and model.onnx_data beside it. The
 * same bytes live there under another name. So the instrumented copy names the files as they
 * really are: the folder is the one the real files share (blobs/), each location the real file's
 * name (the sha), and the cache key includes these names, so a copy that resolves differently
 * gets its own entry instead of a graph pointing at names it does not have.
 */
import { readdir, realpath } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { onnx } from 'onnx-proto';
import { EXTERNAL_DATA_FILE } from './modelFile.js';

export interface WeightsLocation {
  /** the folder external data locations are relative to (session option model_external_initializers_file_folder_path) */
  dir: string;
  /** the .onnx's own file name in `dir`: embedded weights are referenced there */
  modelFile: string;
  /** a location as the graph writes it (relative to the model's folder) → the file's name in `dir` */
  renames: Map<string, string>;
}

export async function resolveWeights(givenPath: string): Promise<WeightsLocation> {
  const given = { dir: dirname(givenPath), modelFile: basename(givenPath), renames: new Map<string, string>() };
  const real = await realpath(givenPath).catch(() => givenPath);
  const beside = (await readdir(given.dir).catch(() => [] as string[])).filter((f) => EXTERNAL_DATA_FILE.test(f));
  const renames = new Map<string, string>();
  for (const f of beside) {
    const r = await realpath(join(given.dir, f)).catch(() => undefined);
    if (!r) continue; // a dangling data file: onnxruntime names it when it reads it
    // files that really live in different folders cannot be given as one folder: keep the user's names
    if (dirname(r) !== dirname(real)) return given;
    renames.set(f, basename(r));
  }
  return { dir: dirname(real), modelFile: basename(real), renames };
}

/** Points the graph's external initializers at the real files (in place). */
export function renameExternalData(graph: onnx.IGraphProto, w: WeightsLocation): void {
  if (w.renames.size === 0) return;
  for (const t of graph.initializer ?? []) {
    for (const e of t.externalData ?? []) {
      if (e.key === 'location' && e.value && w.renames.has(e.value)) e.value = w.renames.get(e.value) ?? e.value;
    }
  }
}

/** What the key of the instrumented copy must depend on besides the bytes: the names it writes. */
export function weightsKey(w: WeightsLocation): string {
  return [w.modelFile, ...[...w.renames].map(([a, b]) => `${a}=${b}`)].join('|');
}
