import { lowerBound, separatorOf, type NgramIndex } from './ngramIndex';

// Walking the n-gram levels of an NgramIndex as a trie: a node is (level, index); level 0 is the
// root (the empty context), whose children are the level-1 nodes.

export interface ChildRange {
  /** first child */
  from: number;
  /** one past the last child that is not the separator (separator children sort last) */
  to: number;
  /** one past the last child */
  end: number;
}

/** SA interval [L, H) of node i of level d (the root's is the whole array) */
export function intervalOf(ix: NgramIndex, d: number, i: number): [number, number] {
  if (d === 0) return [0, ix.sa.length];
  const lo = ix.lo[d];
  return [lo[i], i + 1 < lo.length ? lo[i + 1] : ix.sa.length];
}

/** token at depth d + 1 of a level-(d+1) node (its last token) */
export function tokenOf(ix: NgramIndex, d1: number, i: number): number {
  return ix.tokens[ix.sa[ix.lo[d1][i]] + d1 - 1];
}

/** children (level d + 1) of node i of level d; the node must hold no separator */
export function childRange(ix: NgramIndex, d: number, i: number): ChildRange {
  const down = ix.lo[d + 1];
  const [L, H] = intervalOf(ix, d, i);
  const from = d === 0 ? 0 : lowerBound(down, L);
  const end = d === 0 ? down.length : lowerBound(down, H, from);
  // first separator child: children are sorted by their last token and the separator is the largest id
  const sep = separatorOf(ix);
  let l = from, h = end;
  while (l < h) {
    const m = (l + h) >>> 1;
    if (tokenOf(ix, d + 1, m) < sep) l = m + 1;
    else h = m;
  }
  return { from, to: l, end };
}

/** the child of node i (level d) whose last token is `token`, or −1 */
export function findChild(ix: NgramIndex, d: number, i: number, token: number, range = childRange(ix, d, i)): number {
  let l = range.from, h = range.to;
  while (l < h) {
    const m = (l + h) >>> 1;
    const t = tokenOf(ix, d + 1, m);
    if (t === token) return m;
    if (t < token) l = m + 1;
    else h = m;
  }
  return -1;
}

/** count of the n-gram node i of level d (its SA interval's size) */
export function rawCount(ix: NgramIndex, d: number, i: number): number {
  const [L, H] = intervalOf(ix, d, i);
  return H - L;
}

/**
 * nodes[k] = the level-k node of the last k tokens of ids[from, t) (k = 0..max), −1 once a
 * context is not in the corpus (a longer one cannot be either).
 */
export function contextNodes(ix: NgramIndex, ids: ArrayLike<number>, from: number, t: number, max: number): Int32Array {
  const nodes = new Int32Array(max + 1).fill(-1);
  nodes[0] = 0;
  for (let k = 1; k <= max && t - k >= from; k++) {
    let node = 0;
    for (let d = 0; d < k && node >= 0; d++) node = findChild(ix, d, node, ids[t - k + d]);
    if (node < 0) break;
    nodes[k] = node;
  }
  return nodes;
}
