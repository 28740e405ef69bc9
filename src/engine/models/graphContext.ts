/**
 * The context length of a decoder that comes without config.json (onnxruntime's bare GPT-2 export):
 * its learned position embedding has one row per position. Found as onnxruntime's
 * EmbedLayerNormalization's position_embedding (input 3), or the initializer a Gather indexes with
 * position_ids. Without it a selection longer than the table failed deep in onnxruntime ("input
 * index out of range"); rotary models have no such table and keep the default.
 */
import { readFile } from 'node:fs/promises';
import { onnx } from 'onnx-proto';

/** rows of the position table, or undefined when the graph has none (or cannot be read here) */
export async function positionTableRows(onnxPath: string): Promise<number | undefined> {
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(await readFile(onnxPath));
  } catch {
    return undefined; // the session that opened it reports a broken file; this is only a hint
  }
  const graph = model.graph;
  const rows = (name: string | undefined | null): number | undefined => {
    const init = name ? graph?.initializer?.find((t) => t.name === name) : undefined;
    const first = init?.dims?.[0];
    return init?.dims?.length === 2 && first !== undefined && first !== null ? Number(first) : undefined;
  };
  for (const n of graph?.node ?? []) {
    if (n.opType === 'EmbedLayerNormalization') return rows(n.input?.[3]);
    if (n.opType === 'Gather' && n.input?.[1] === 'position_ids') return rows(n.input?.[0]);
  }
  return undefined;
}
