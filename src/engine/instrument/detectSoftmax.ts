/** Find attention probabilities that the graph materialises: a Softmax fed (through scale, mask,
 * cast, reshape, soft-capping) by a Q·Kᵀ MatMul, whose output (through cast/dropout/mask) is the
 * left operand of the ·V MatMul. Names are never used, so any exporter's spelling works. */
import type { GraphIndex } from './graphIndex.js';
import { opOf } from './graphIndex.js';

/** ops allowed between the Q·Kᵀ MatMul and the Softmax */
const SCORE_OPS = new Set(['Div', 'Mul', 'Add', 'Sub', 'Where', 'Cast', 'Reshape', 'Identity', 'Tanh', 'Clip', 'Max', 'Min', 'Slice', 'Expand']);
/** ops allowed between the Softmax and the ·V MatMul */
const PROB_OPS = new Set(['Cast', 'Dropout', 'Where', 'Reshape', 'Identity', 'Mul']);
const MAX_DEPTH = 10;

export interface SoftmaxAttention {
  /** index into g.nodes */
  node: number;
  /** the Softmax output: the attention probabilities, [batch, head, q, k] or [batch*head, q, k] */
  probs: string;
  /** the Q·Kᵀ MatMul */
  scoresMatMul: number;
}

function isDynamicMatMul(g: GraphIndex, i: number): boolean {
  const n = g.nodes[i];
  const op = opOf(n);
  if (op !== 'MatMul' && op !== 'Einsum') return false;
  const ins = (n.input ?? []).filter(Boolean);
  return ins.length === 2 && ins.every((t) => !g.isConst(t));
}

function findScoresMatMul(g: GraphIndex, tensor: string, depth: number): number | undefined {
  const p = g.producer.get(tensor);
  if (p === undefined || depth > MAX_DEPTH) return undefined;
  if (isDynamicMatMul(g, p)) return p;
  const n = g.nodes[p];
  if (!SCORE_OPS.has(opOf(n))) return undefined;
  const ins = (n.input ?? []).filter((t) => t && !g.isConst(t));
  // Where(cond, x, y): the condition is never the scores
  const candidates = opOf(n) === 'Where' ? ins.filter((t) => t !== n.input?.[0]) : ins;
  for (const t of candidates) {
    const hit = findScoresMatMul(g, t, depth + 1);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

function feedsValueMatMul(g: GraphIndex, tensor: string, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  for (const c of g.consumers.get(tensor) ?? []) {
    const n = g.nodes[c];
    if (isDynamicMatMul(g, c) && n.input?.[0] === tensor) return true;
    if (PROB_OPS.has(opOf(n)) && n.input?.[0] !== undefined) {
      for (const o of n.output ?? []) if (o && feedsValueMatMul(g, o, depth + 1)) return true;
    }
    // Where(mask, 0, probs) puts probs second
    if (opOf(n) === 'Where') for (const o of n.output ?? []) if (o && feedsValueMatMul(g, o, depth + 1)) return true;
  }
  return false;
}

export function detectSoftmaxAttention(g: GraphIndex): SoftmaxAttention[] {
  const found: SoftmaxAttention[] = [];
  g.nodes.forEach((n, i) => {
    if (opOf(n) !== 'Softmax') return;
    const input = n.input?.[0];
    const probs = n.output?.[0];
    if (!input || !probs) return;
    const scoresMatMul = findScoresMatMul(g, input, 0);
    if (scoresMatMul === undefined || !feedsValueMatMul(g, probs, 0)) return;
    found.push({ node: i, probs, scoresMatMul });
  });
  return found;
}
