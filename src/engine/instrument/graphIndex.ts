/** A read-only index over an ONNX graph: who produces and who consumes each tensor, which tensors
 * are constants, and a topological order. Detection passes query it instead of walking protos. */
import type { onnx } from 'onnx-proto';

type Long = { toNumber(): number };

export function toNumber(v: number | Long | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

export interface GraphIndex {
  graph: onnx.IGraphProto;
  /** nodes in topological order */
  nodes: onnx.INodeProto[];
  /** tensor name -> index into `nodes` of its producer */
  producer: Map<string, number>;
  /** tensor name -> indices into `nodes` of its consumers */
  consumers: Map<string, number[]>;
  initializers: Map<string, onnx.ITensorProto>;
  graphInputs: Set<string>;
  graphOutputs: Set<string>;
  valueInfo: Map<string, onnx.IValueInfoProto>;
  isConst(name: string): boolean;
}

export function attrInt(node: onnx.INodeProto, name: string, fallback: number): number {
  const a = node.attribute?.find((x) => x.name === name);
  return a ? toNumber(a.i) : fallback;
}

export function attrFloat(node: onnx.INodeProto, name: string, fallback: number): number {
  const a = node.attribute?.find((x) => x.name === name);
  return a && a.f !== null && a.f !== undefined ? a.f : fallback;
}

export function attrInts(node: onnx.INodeProto, name: string): number[] | undefined {
  const a = node.attribute?.find((x) => x.name === name);
  return a?.ints ? a.ints.map(toNumber) : undefined;
}

export function opOf(node: onnx.INodeProto): string {
  return node.opType ?? '';
}

export function buildGraphIndex(graph: onnx.IGraphProto): GraphIndex {
  const raw = graph.node ?? [];
  const initializers = new Map<string, onnx.ITensorProto>();
  for (const t of graph.initializer ?? []) initializers.set(t.name ?? '', t);
  const graphInputs = new Set((graph.input ?? []).map((v) => v.name ?? '').filter((n) => !initializers.has(n)));
  const nodes = topoSort(raw, new Set([...initializers.keys(), ...graphInputs]));
  const producer = new Map<string, number>();
  const consumers = new Map<string, number[]>();
  nodes.forEach((n, i) => {
    for (const o of n.output ?? []) if (o) producer.set(o, i);
    for (const t of n.input ?? []) {
      if (!t) continue;
      const list = consumers.get(t);
      if (list) list.push(i);
      else consumers.set(t, [i]);
    }
  });
  const valueInfo = new Map<string, onnx.IValueInfoProto>();
  for (const v of [...(graph.input ?? []), ...(graph.valueInfo ?? []), ...(graph.output ?? [])]) valueInfo.set(v.name ?? '', v);
  const constMemo = new Map<string, boolean>();
  const isConst = (name: string): boolean => {
    const hit = constMemo.get(name);
    if (hit !== undefined) return hit;
    constMemo.set(name, false); // cycles cannot happen in a DAG, but be safe
    let result: boolean;
    if (initializers.has(name)) result = true;
    else if (graphInputs.has(name)) result = false;
    else {
      const p = producer.get(name);
      const node = p === undefined ? undefined : nodes[p];
      // Shape of a dynamic tensor is not constant; everything computed only from constants is
      result = !!node && opOf(node) !== 'Shape' && (node.input ?? []).filter(Boolean).every(isConst);
    }
    constMemo.set(name, result);
    return result;
  };
  return {
    graph,
    nodes,
    producer,
    consumers,
    initializers,
    graphInputs,
    graphOutputs: new Set((graph.output ?? []).map((v) => v.name ?? '')),
    valueInfo,
    isConst,
  };
}

/** Kahn's algorithm; ONNX requires sorted graphs but not every writer obeys, and order = layer order here. */
function topoSort(nodes: onnx.INodeProto[], available: Set<string>): onnx.INodeProto[] {
  const produced = new Map<string, number>();
  nodes.forEach((n, i) => (n.output ?? []).forEach((o) => o && produced.set(o, i)));
  const indegree = nodes.map((n) => new Set((n.input ?? []).filter((t) => t && !available.has(t) && produced.has(t))).size);
  const users = new Map<number, number[]>();
  nodes.forEach((n, i) => {
    for (const t of new Set(n.input ?? [])) {
      const p = t ? produced.get(t) : undefined;
      if (p === undefined || available.has(t)) continue;
      users.set(p, [...(users.get(p) ?? []), i]);
    }
  });
  const ready: number[] = [];
  indegree.forEach((d, i) => d === 0 && ready.push(i));
  const order: number[] = [];
  // take the lowest original index first so an already sorted graph keeps its order
  while (ready.length) {
    ready.sort((a, b) => a - b);
    const i = ready.shift() as number;
    order.push(i);
    for (const u of users.get(i) ?? []) if (--indegree[u] === 0) ready.push(u);
  }
  if (order.length !== nodes.length) return nodes; // a cycle or dangling input: keep file order
  return order.map((i) => nodes[i]);
}

/** Nodes that lie on some path from tensor `from` to tensor `to` (exclusive of from's producer). */
export function nodesBetween(g: GraphIndex, from: string, to: string): Set<number> {
  const start = g.producer.get(from) ?? -1;
  const back = new Set<number>();
  const stack = [to];
  const seen = new Set<string>();
  while (stack.length) {
    const t = stack.pop() as string;
    if (t === from || seen.has(t)) continue;
    seen.add(t);
    const p = g.producer.get(t);
    if (p === undefined || p <= start) continue;
    back.add(p);
    for (const i of g.nodes[p].input ?? []) if (i) stack.push(i);
  }
  // keep only nodes that are also reachable from `from`
  const fwd = new Set<number>();
  const q = [from];
  const seenF = new Set<string>();
  while (q.length) {
    const t = q.pop() as string;
    if (seenF.has(t)) continue;
    seenF.add(t);
    for (const c of g.consumers.get(t) ?? []) {
      if (!back.has(c) || fwd.has(c)) continue;
      fwd.add(c);
      for (const o of g.nodes[c].output ?? []) if (o) q.push(o);
    }
  }
  return fwd;
}
