import { buildNgramIndex, joinFiles, separatorOf, type NgramIndex } from './ngramIndex';
import { contextNodes, intervalOf } from './ngramTrie';

// A count-based lookup that predicts the token k steps ahead from the last tokens up to t: the
// baseline the future-token probes are measured against ("a plan is only credited where it beats
// lookup"). It sees the same context as a probe at position t (the tokens up to and including t,
// nothing after), takes what came most often k steps later in the training texts, and backs off
// from the longest context that occurs (with a token k steps on in its text) to shorter ones, down
// to the most frequent target. (Top-1 only: argmax counts, no smoothing.)
//
// The counts are read off the baselines' corpus index (ngramIndex.ts), not kept in tables of
// their own: a context's occurrences are one suffix-array interval, and the token k steps after
// each occurrence is in the stream. One index serves every k; each (context, k) is counted once.

/** Contexts of 2, 1 and 0 tokens ending at t. */
export const NGRAM_AHEAD_ORDER = 2;

/** The corpus index of the training texts (one text per sequence; ids must be ≥ 0). */
export function indexAheadTexts(sequences: ArrayLike<number>[]): Promise<NgramIndex> {
  let vocab = 0;
  for (const ids of sequences) for (let i = 0; i < ids.length; i++) if (ids[i] >= vocab) vocab = ids[i] + 1;
  return buildNgramIndex(joinFiles(sequences, vocab).tokens, vocab);
}

export class NgramAhead {
  /** per context length: node → the best target after it (−1: no occurrence has one) */
  private readonly best: Map<number, number>[];
  /** the most frequent target overall (the 0-token context) */
  readonly unigram: number;
  private readonly counts: Int32Array;

  constructor(
    private readonly ix: NgramIndex,
    readonly k: number,
    readonly order = NGRAM_AHEAD_ORDER,
  ) {
    this.best = Array.from({ length: order + 1 }, () => new Map());
    this.counts = new Int32Array(ix.vocab);
    // every token at least k after its text's start is some context's target
    const s = ix.tokens;
    const sep = separatorOf(ix);
    const touched: number[] = [];
    let sinceStart = -1;
    for (let q = 0; q < s.length; q++) {
      if (s[q] === sep) {
        sinceStart = -1;
        continue;
      }
      if (++sinceStart >= k) this.count(s[q], touched);
    }
    this.unigram = this.take(touched);
  }

  /** The lookup's guess for the token at t + k, from ids[from..t]. */
  predict(ids: ArrayLike<number>, from: number, t: number): number {
    const nodes = contextNodes(this.ix, ids, from, t + 1, this.order);
    for (let n = this.order; n >= 1; n--) {
      if (nodes[n] < 0) continue;
      const guess = this.bestAfter(n, nodes[n]);
      if (guess >= 0) return guess;
    }
    return this.unigram;
  }

  private bestAfter(n: number, node: number): number {
    const memo = this.best[n];
    const known = memo.get(node);
    if (known !== undefined) return known;
    const s = this.ix.tokens;
    const sep = separatorOf(this.ix);
    const [L, H] = intervalOf(this.ix, n, node);
    const touched: number[] = [];
    for (let i = L; i < H; i++) {
      const target = this.ix.sa[i] + n - 1 + this.k;
      let inText = true;
      for (let q = this.ix.sa[i] + n; q <= target && inText; q++) inText = s[q] !== sep; // the stream ends with a separator
      if (inText) this.count(s[target], touched);
    }
    const best = this.take(touched);
    memo.set(node, best);
    return best;
  }

  private count(id: number, touched: number[]): void {
    if (this.counts[id]++ === 0) touched.push(id);
  }

  /** the most counted id (ties: the lower id), −1 when none; clears the counts */
  private take(touched: number[]): number {
    let best = -1;
    let bestCount = 0;
    for (const id of touched) {
      const c = this.counts[id];
      if (c > bestCount || (c === bestCount && id < best)) [best, bestCount] = [id, c];
      this.counts[id] = 0;
    }
    return best;
  }
}
