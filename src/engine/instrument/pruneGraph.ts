/** Dead-node removal for lean instrumented graphs: onnxruntime runs every node of a graph, also
 * those whose results reach no graph output (a 124M GPT-2's unembedding of every position ran
 * at full cost with `logits` gone from the outputs), so the nodes no kept output needs go. */
import type { onnx } from 'onnx-proto';

/** every tensor a node reads, those its subgraphs read from the outer scope included */
function readsOf(node: onnx.INodeProto, into: string[] = []): string[] {
  for (const i of node.input ?? []) if (i) into.push(i);
  for (const a of node.attribute ?? []) {
    for (const g of [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]) {
      for (const n of g.node ?? []) readsOf(n, into);
      for (const o of g.output ?? []) if (o.name) into.push(o.name);
    }
  }
  return into;
}

/** Keeps only the nodes that `graph`'s outputs depend on (in place, order kept); unused initializers stay (onnxruntime drops them). */
export function pruneDeadNodes(graph: onnx.IGraphProto): void {
  const nodes = graph.node ?? [];
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => (n.output ?? []).forEach((o) => o && producer.set(o, i)));
  const live = new Set<number>();
  const stack = (graph.output ?? []).map((o) => o.name ?? '');
  while (stack.length > 0) {
    const at = producer.get(stack.pop() as string);
    if (at === undefined || live.has(at)) continue;
    live.add(at);
    readsOf(nodes[at], stack);
  }
  graph.node = nodes.filter((_, i) => live.has(i));
}
