import type { NgramIndex } from './ngramIndex';

// Infini-gram's question for every position of a query: the longest span ending there that
// occurs verbatim in the corpus, and one place where it does. The match grows by one token at a
// time (the suffix array interval of span + next token is a sub-interval, found by two binary
// searches on the token at that depth); when it cannot grow, its first token is dropped and the
// interval of the shorter span is searched again from the whole array.

export interface LongestMatches {
  /** length[t] = tokens of the longest corpus span ending at query position t (0: the token never occurs) */
  length: Int32Array;
  /** where[t] = stream position of one occurrence's first token (−1 when length is 0) */
  where: Int32Array;
}

/** narrows [L, H) (suffixes sharing `depth` tokens) to those whose token at `depth` is `token` */
function narrow(ix: NgramIndex, L: number, H: number, depth: number, token: number): [number, number] {
  const { sa, tokens } = ix;
  const n = tokens.length;
  const at = (j: number) => (sa[j] + depth < n ? tokens[sa[j] + depth] : -1);
  let l = L, h = H;
  while (l < h) {
    const m = (l + h) >>> 1;
    if (at(m) < token) l = m + 1;
    else h = m;
  }
  const from = l;
  h = H;
  while (l < h) {
    const m = (l + h) >>> 1;
    if (at(m) <= token) l = m + 1;
    else h = m;
  }
  return [from, l];
}

export function longestMatches(ix: NgramIndex, query: ArrayLike<number>): LongestMatches {
  const m = query.length;
  const length = new Int32Array(m);
  const where = new Int32Array(m).fill(-1);
  const n = ix.sa.length;
  let s = 0; // the current match is query[s, t)
  let L = 0, H = n;
  for (let t = 0; t < m; t++) {
    for (;;) {
      const [l, h] = narrow(ix, L, H, t - s, query[t]);
      if (l < h) { L = l; H = h; break; }
      if (s === t) { s = t + 1; L = 0; H = n; break; } // the token alone is not in the corpus
      s++;
      L = 0; H = n;
      for (let k = s; k < t && L < H; k++) [L, H] = narrow(ix, L, H, k - s, query[k]);
    }
    length[t] = t + 1 - s;
    if (length[t] > 0) where[t] = ix.sa[L];
  }
  return { length, where };
}

/** the same lengths by brute force (tests): for each t, the longest query[t−len+1..t] found anywhere */
export function longestMatchesBrute(stream: ArrayLike<number>, query: ArrayLike<number>): Int32Array {
  const out = new Int32Array(query.length);
  for (let t = 0; t < query.length; t++) {
    let best = 0;
    for (let e = 0; e < stream.length; e++) {
      let len = 0;
      while (len <= t && e - len >= 0 && stream[e - len] === query[t - len]) len++;
      if (len > best) best = len;
    }
    out[t] = best;
  }
  return out;
}
