// The model's input embedding matrix and its unembedding, read from the ONNX file's constants:
// the embedding is the Gather whose indices are the token-id input; the unembedding is the one the
// logit lens already finds (lensParams). Tied models share one matrix, which the projector says
// rather than projecting the same points twice.
import { dirname, resolve } from 'node:path';
import { InputError } from '../../errors';
import { buildGraphIndex, opOf } from '../../instrument/graphIndex';
import { constValue, findLensParams } from '../../instrument/lensParams';
import { decodeModel, readModelBytes } from '../../instrument/modelFile';
import type { Matrix } from '../../analyses/matrix';

/** vocab × d_model, one row per token id */
export async function readEmbeddingMatrix(modelPath: string): Promise<Matrix> {
  const path = resolve(modelPath);
  const g = buildGraphIndex(decodeModel(path, await readModelBytes(path)).graph ?? {});
  const ids = [...g.graphInputs].find((n) => n === 'input_ids') ?? [...g.graphInputs][0];
  for (const n of g.nodes) {
    const table = n.input?.[0];
    if (opOf(n) !== 'Gather' || n.input?.[1] !== ids || !table || !g.isConst(table)) continue;
    const t = await constValue(g, table, dirname(path));
    if (t && t.dims.length === 2) return { rows: t.dims[0], cols: t.dims[1], data: t.data };
  }
  throw new InputError(`${modelPath} has no input embedding table (a constant Gather on ${ids ?? 'the token ids'}).`);
}

/** vocab × d_model (the unembedding transposed, so rows are token ids like the embedding's), and whether it equals the embedding */
export async function readUnembeddingMatrix(modelPath: string, embedding: Matrix): Promise<{ matrix: Matrix; tied: boolean }> {
  const { unembed } = await findLensParams(modelPath);
  const { dModel, vocab, weight } = unembed; // weight is [d_model, vocab]
  const data = new Float32Array(vocab * dModel);
  for (let r = 0; r < dModel; r++) for (let c = 0; c < vocab; c++) data[c * dModel + r] = weight[r * vocab + c];
  const same = embedding.rows === vocab && embedding.cols === dModel && data.every((v, i) => v === embedding.data[i]);
  return { matrix: { rows: vocab, cols: dModel, data }, tied: same };
}
