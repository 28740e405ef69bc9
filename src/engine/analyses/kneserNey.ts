import { MAX_ORDER, type NgramIndex } from './ngramIndex';
import { childRange, contextNodes, findChild, rawCount, tokenOf } from './ngramTrie';

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

export class KneserNey {
  readonly order: number;
  private readonly unigramDenominator: number;
  private unigramBest = -1;

  constructor(
    private readonly ix: NgramIndex,
    order: number,
  ) {
    if (!Number.isInteger(order) || order < 1 || order > MAX_ORDER) throw new RangeError(`order must be 1..${MAX_ORDER}`);
    this.order = order;
    this.unigramDenominator = ix.contSum[0][0] + ix.vocab;
  }

  private unigram(w: number): number {
    const node = findChild(this.ix, 0, 0, w);
    return ((node >= 0 ? this.ix.cont[1][node] : 0) + 1) / this.unigramDenominator;
  }

  /** level stats for predicting after context node `node` (level k): [D, T, total] */
  private stats(k: number, node: number, range = childRange(this.ix, k, node)): { D: number; T: number; total: number; raw: boolean } {
    const raw = k + 1 === this.order;
    const T = range.to - range.from;
    let total: number;
    if (raw) {
      // occurrences of the context followed by a token (not by a file's end)
      // (children partition the context's SA interval, so this is where the separator children begin)
      const down = this.ix.lo[k + 1];
      total = (range.to < down.length ? down[range.to] : this.ix.sa.length) - (range.from < down.length ? down[range.from] : this.ix.sa.length);
    } else total = this.ix.contSum[k][node];
    return { D: raw ? this.ix.discountRaw[k + 1] : this.ix.discountCont[k + 1], T, total, raw };
  }

  /** the interpolation, lowest order first, given the context nodes */
  private probWith(nodes: Int32Array, w: number): number {
    let p = this.unigram(w);
    for (let k = 1; k < nodes.length && nodes[k] >= 0; k++) {
      const range = childRange(this.ix, k, nodes[k]);
      const { D, T, total, raw } = this.stats(k, nodes[k], range);
      if (total <= 0) break;
      const child = findChild(this.ix, k, nodes[k], w, range);
      const c = child < 0 ? 0 : raw ? rawCount(this.ix, k + 1, child) : this.ix.cont[k + 1][child];
      p = (Math.max(c - D, 0) + D * T * p) / total;
    }
    return p;
  }

  private nodes(ids: ArrayLike<number>, from: number, t: number): Int32Array {
    return contextNodes(this.ix, ids, from, t, Math.min(this.order - 1, t - from));
  }

  /** P(w | ids[from, t)) */
  prob(ids: ArrayLike<number>, from: number, t: number, w: number): number {
    return this.probWith(this.nodes(ids, from, t), w);
  }

  /** the whole distribution over the vocabulary after ids[from, t) (for tests: it sums to 1) */
  distribution(ids: ArrayLike<number>, from: number, t: number): Float64Array {
    const nodes = this.nodes(ids, from, t);
    const out = new Float64Array(this.ix.vocab);
    for (let w = 0; w < out.length; w++) out[w] = this.probWith(nodes, w);
    return out;
  }

  /** P(ids[t] | ids[from, t)) and the model's top-1 next token there */
  score(ids: ArrayLike<number>, from: number, t: number): NgramScore {
    const nodes = this.nodes(ids, from, t);
    return { prob: this.probWith(nodes, ids[t]), top1: this.top1With(nodes) };
  }

  private bestUnigram(): number {
    if (this.unigramBest < 0) {
      let best = 0, bestP = -1;
      for (let w = 0; w < this.ix.vocab; w++) {
        const p = this.unigram(w);
        if (p > bestP) { bestP = p; best = w; }
      }
      this.unigramBest = best;
    }
    return this.unigramBest;
  }

  /**
   * argmax_w P(w | context). Only the children of the length-1 context can beat the unigram's
   * favourite (every other token's probability is the same scale times its unigram), so those
   * candidates, sorted by token like every level's children, are merged level by level.
   */
  private top1With(nodes: Int32Array): number {
    const ix = this.ix;
    const u = this.bestUnigram();
    if (nodes.length < 2 || nodes[1] < 0) return u;
    const first = childRange(ix, 1, nodes[1]);
    const m = first.to - first.from;
    const cand = new Int32Array(m);
    const p = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      cand[i] = tokenOf(ix, 2, first.from + i);
      p[i] = this.unigram(cand[i]);
    }
    let scale = 1;
    for (let k = 1; k < nodes.length && nodes[k] >= 0; k++) {
      const range = k === 1 ? first : childRange(ix, k, nodes[k]);
      const { D, T, total, raw } = this.stats(k, nodes[k], range);
      if (total <= 0) break;
      let c = range.from;
      for (let i = 0; i < m; i++) {
        while (c < range.to && tokenOf(ix, k + 1, c) < cand[i]) c++;
        const hit = c < range.to && tokenOf(ix, k + 1, c) === cand[i];
        const count = !hit ? 0 : raw ? rawCount(ix, k + 1, c) : ix.cont[k + 1][c];
        p[i] = (Math.max(count - D, 0) + D * T * p[i]) / total;
      }
      scale *= (D * T) / total;
    }
    let best = u, bestP = scale * this.unigram(u);
    for (let i = 0; i < m; i++) if (p[i] > bestP || (p[i] === bestP && cand[i] < best)) { bestP = p[i]; best = cand[i]; }
    return best;
  }
}
