import { MAX_ORDER, type NgramIndex } from './ngramIndex';
import { childRange, contextNodes, findChild, rawCount, tokenOf, type ChildRange } from './ngramTrie';

// Interpolated Kneser–Ney over an NgramIndex, as models/train/text_trigram.py defines it for the
// bundled LM's trigram baseline: the top order discounts raw counts, every lower order
// continuation counts N1+(· g), the unigram is add-one over continuation counts,
//   P_k(w | h) = (max(c(h w) − D_k, 0) + D_k · T(h) · P_{k−1}(w | h')) / c(h ·)
// with T(h) the number of distinct tokens after h; an unseen context hands on P_{k−1}. Contexts
// never cross the start of the ids given (a document's BOS starts its own history). Discounts are
// Ney's n1 / (n1 + 2 n2) per order (on raw or continuation counts as the order uses them).

export interface NgramScore {
  /** P(ids[t] | ids[from, t)) */
  prob: number;
  /** the most probable next token under the model */
  top1: number;
}

/** one order's figures after a given context (the same for every next token) */
interface Level {
  k: number;
  node: number;
  range: ChildRange;
  D: number;
  T: number;
  total: number;
  raw: boolean;
}

export class KneserNey {
  readonly order: number;
  /** the add-one continuation unigram, dense */
  private readonly p1: Float64Array;
  private readonly unigramBest: number;

  constructor(
    private readonly ix: NgramIndex,
    order: number,
  ) {
    if (!Number.isInteger(order) || order < 1 || order > MAX_ORDER) throw new RangeError(`order must be 1..${MAX_ORDER}`);
    this.order = order;
    const denominator = ix.contSum[0][0] + ix.vocab;
    this.p1 = new Float64Array(ix.vocab).fill(1 / denominator);
    const top = childRange(ix, 0, 0);
    for (let c = top.from; c < top.to; c++) this.p1[tokenOf(ix, 1, c)] = (ix.cont[1][c] + 1) / denominator;
    let best = 0;
    for (let w = 1; w < ix.vocab; w++) if (this.p1[w] > this.p1[best]) best = w;
    this.unigramBest = best;
  }

  /** the orders that apply after the context nodes, lowest first (stops at an unseen context) */
  private levels(nodes: Int32Array): Level[] {
    const out: Level[] = [];
    for (let k = 1; k < nodes.length && nodes[k] >= 0; k++) {
      const node = nodes[k];
      const range = childRange(this.ix, k, node);
      const raw = k + 1 === this.order;
      let total: number;
      if (raw) {
        // occurrences of the context followed by a token (not by a file's end): children
        // partition the context's SA interval, so this is where the separator children begin
        const down = this.ix.lo[k + 1];
        const at = (c: number) => (c < down.length ? down[c] : this.ix.sa.length);
        total = at(range.to) - at(range.from);
      } else total = this.ix.contSum[k][node];
      if (total <= 0) break;
      out.push({ k, node, range, D: raw ? this.ix.discountRaw[k + 1] : this.ix.discountCont[k + 1], T: range.to - range.from, total, raw });
    }
    return out;
  }

  private countAt(L: Level, child: number): number {
    if (child < 0) return 0;
    return L.raw ? rawCount(this.ix, L.k + 1, child) : this.ix.cont[L.k + 1][child];
  }

  /** the interpolation, lowest order first */
  private probWith(levels: Level[], w: number): number {
    let p = this.p1[w];
    for (const L of levels) {
      const c = this.countAt(L, findChild(this.ix, L.k, L.node, w, L.range));
      p = (Math.max(c - L.D, 0) + L.D * L.T * p) / L.total;
    }
    return p;
  }

  private nodes(ids: ArrayLike<number>, from: number, t: number): Int32Array {
    return contextNodes(this.ix, ids, from, t, Math.min(this.order - 1, t - from));
  }

  /** P(w | ids[from, t)) */
  prob(ids: ArrayLike<number>, from: number, t: number, w: number): number {
    return this.probWith(this.levels(this.nodes(ids, from, t)), w);
  }

  /** the whole distribution over the vocabulary after ids[from, t) (for tests: it sums to 1) */
  distribution(ids: ArrayLike<number>, from: number, t: number): Float64Array {
    const levels = this.levels(this.nodes(ids, from, t));
    const out = new Float64Array(this.ix.vocab);
    for (let w = 0; w < out.length; w++) out[w] = this.probWith(levels, w);
    return out;
  }

  /** P(ids[t] | ids[from, t)) and the model's top-1 next token there */
  score(ids: ArrayLike<number>, from: number, t: number): NgramScore {
    const levels = this.levels(this.nodes(ids, from, t));
    return { prob: this.probWith(levels, ids[t]), top1: this.top1With(levels) };
  }

  /**
   * argmax_w P(w | context) without the whole distribution. A token's probability only grows
   * with its counts, so: a token seen after no context scores the chain of backoff weights times
   * its unigram (the unigram's favourite is the best of those); a token seen after the length-1
   * context but not the length-2 one scores its bigram term times the weights above; only tokens
   * seen after the length-2 context (few) are scored in full. Each shortcut is exact for the
   * tokens it stands for and a lower bound for the rest, so the maximum is the true one.
   */
  private top1With(levels: Level[]): number {
    const ix = this.ix;
    const chain = (p: number, from: number) => {
      for (let j = from; j < levels.length; j++) {
        const L = levels[j];
        p = (Math.max(0 - L.D, 0) + L.D * L.T * p) / L.total;
      }
      return p;
    };
    let best = this.unigramBest;
    let bestP = chain(this.p1[best], 0);
    if (levels.length === 0) return best;
    const first = levels[0];
    for (let c = first.range.from; c < first.range.to; c++) {
      const w = tokenOf(ix, 2, c);
      const p2 = (Math.max(this.countAt(first, c) - first.D, 0) + first.D * first.T * this.p1[w]) / first.total;
      const v = chain(p2, 1);
      if (v > bestP) { bestP = v; best = w; }
    }
    if (levels.length > 1) {
      const second = levels[1];
      for (let c = second.range.from; c < second.range.to; c++) {
        const w = tokenOf(ix, 3, c);
        const v = this.probWith(levels, w);
        if (v > bestP) { bestP = v; best = w; }
      }
    }
    return best;
  }
}
