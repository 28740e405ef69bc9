/** Optimum's decoder_model_merged.onnx is one If on the `use_cache_branch` input: its then-branch
 * is the decoder with past, its else-branch the decoder without. Tensorloupe's instrumented runs
 * (activations, lens, attention) are full-sequence passes with no past, which run the
 * else-branch; hooks inside a branch cannot be graph outputs, so that branch is lifted into the
 * main graph of the instrumented copy (its outputs renamed to the If's through Identity), and the
 * inputs only the other branch read (past_key_values.*, use_cache_branch) are dropped. Next token
 * and generation keep running the user's unmodified file, If and all. */
import { onnx } from 'onnx-proto';

export const CACHE_BRANCH_INPUT = 'use_cache_branch';

/** every tensor a graph's nodes read, inside their subgraphs too (outer-scope references) */
function readNames(graph: onnx.IGraphProto, into = new Set<string>()): Set<string> {
  for (const n of graph.node ?? []) {
    for (const i of n.input ?? []) if (i) into.add(i);
    for (const a of n.attribute ?? []) {
      if (a.g) readNames(a.g, into);
      for (const g of a.graphs ?? []) readNames(g, into);
    }
  }
  for (const o of graph.output ?? []) if (o.name) into.add(o.name);
  return into;
}

/** Lifts the no-cache branch of a merged decoder into `model`'s main graph (in place); false when there is none. */
export function inlineCacheBranch(model: onnx.IModelProto): boolean {
  const graph = model.graph;
  if (!graph?.node) return false;
  const at = graph.node.findIndex((n) => n.opType === 'If' && n.input?.[0] === CACHE_BRANCH_INPUT && (graph.input ?? []).some((i) => i.name === CACHE_BRANCH_INPUT));
  if (at < 0) return false;
  const ifNode = graph.node[at];
  const branch = ifNode.attribute?.find((a) => a.name === 'else_branch')?.g;
  const outs = ifNode.output ?? [];
  if (!branch?.node || (branch.output ?? []).length !== outs.length) return false;
  const renames = (branch.output ?? []).map((o, i) =>
    onnx.NodeProto.create({ opType: 'Identity', input: [o.name ?? ''], output: [outs[i]], name: `tensorloupe/no_cache_branch/${i}` }),
  );
  graph.node.splice(at, 1, ...branch.node, ...renames);
  graph.initializer = [...(graph.initializer ?? []), ...(branch.initializer ?? [])];
  graph.valueInfo = [...(graph.valueInfo ?? []), ...(branch.valueInfo ?? [])];
  const read = readNames(graph);
  graph.input = (graph.input ?? []).filter((i) => read.has(i.name ?? ''));
  return true;
}
