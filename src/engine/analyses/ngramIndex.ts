import { inverse, lcpArray, suffixArray } from './suffixArray';

// The baselines' corpus index: one token stream (every file's tokens, a separator before each
// file and one at the end), its suffix array, and the n-gram levels read off the suffix array.
// Level d holds one node per distinct d-token prefix of the suffixes (SA order = lexicographic
// order, so a node's children at level d + 1 are contiguous): `lo[d][i]` is where node i's SA
// interval starts (it ends where node i + 1's starts), so a d-gram's count is its interval's size
// and nothing else needs storing for raw counts. Continuation counts N1+(· g) (how many distinct
// tokens precede g; Kneser–Ney's lower orders) and their sums over a context's children are
// precomputed. Memory: tokens 4 + SA 4 + ~4 per node per level ≈ 20–30 bytes a token.

export const MAX_ORDER = 5;

export interface NgramIndex {
  /** vocabulary size V; the separator is token V */
  vocab: number;
  /** the stream: SEP file₀ SEP file₁ … SEP */
  tokens: Int32Array;
  sa: Int32Array;
  /** lo[d] for d = 1..MAX_ORDER (lo[0] is empty: the root's interval is the whole array) */
  lo: Int32Array[];
  /** cont[d][i] = N1+(· g) for node i of level d, d = 1..MAX_ORDER − 1 */
  cont: Int32Array[];
  /** contSum[d][i] = Σ cont of node i's children (separator excluded), d = 0..MAX_ORDER − 2 */
  contSum: Int32Array[];
  /** Ney's discount n1 / (n1 + 2 n2) per level (index = n-gram order): on raw counts and on continuation counts */
  discountRaw: number[];
  discountCont: number[];
}

export function separatorOf(ix: Pick<NgramIndex, 'vocab'>): number {
  return ix.vocab;
}

/** first index in a[from, to) whose value is ≥ x */
export function lowerBound(a: Int32Array, x: number, from = 0, to = a.length): number {
  let l = from, h = to;
  while (l < h) {
    const m = (l + h) >>> 1;
    if (a[m] < x) l = m + 1;
    else h = m;
  }
  return l;
}

/** the node of level d whose SA interval holds SA index r */
function nodeContaining(lo: Int32Array, r: number): number {
  return lowerBound(lo, r + 1) - 1;
}

/** does s[q .. q + len) hold no separator (and lie inside the stream)? */
function full(s: Int32Array, q: number, len: number, sep: number): boolean {
  if (q + len > s.length) return false;
  for (let i = q; i < q + len; i++) if (s[i] === sep) return false;
  return true;
}

function neyDiscount(n1: number, n2: number): number {
  if (n1 === 0) return 0.5;
  return Math.min(0.95, Math.max(0.05, n1 / (n1 + 2 * n2)));
}

export type BuildStage = 'suffix array' | 'n-gram levels';

/**
 * Index the stream. `step` is awaited between stages and suffix-array rounds (progress and a
 * chance to cancel).
 */
export async function buildNgramIndex(tokens: Int32Array, vocab: number, step?: (stage: BuildStage, done: number, total: number) => void | Promise<void>): Promise<NgramIndex> {
  const s = tokens;
  const n = s.length;
  const sep = vocab;
  const estimatedRounds = 12;
  const sa = await suffixArray(s, vocab + 1, (round) => step?.('suffix array', Math.min(round, estimatedRounds - 1), estimatedRounds));
  await step?.('n-gram levels', 0, 4);
  let rank: Int32Array | null = inverse(sa);
  const lcp = lcpArray(s, sa, rank, sep, MAX_ORDER + 1);
  await step?.('n-gram levels', 1, 4);
  const lo: Int32Array[] = [new Int32Array(0)];
  for (let d = 1; d <= MAX_ORDER; d++) {
    let count = 0;
    for (let j = 0; j < n; j++) if (lcp[j] < d) count++;
    const level = new Int32Array(count);
    for (let j = 0, k = 0; j < n; j++) if (lcp[j] < d) level[k++] = j;
    lo.push(level);
  }
  await step?.('n-gram levels', 2, 4);
  // continuation counts: each distinct (d+1)-gram x g adds one to g; every x = separator counts once
  const cont: Int32Array[] = [new Int32Array(0)];
  for (let d = 1; d < MAX_ORDER; d++) {
    const c = new Int32Array(lo[d].length);
    const afterSeparator = new Set<number>();
    const up = lo[d + 1];
    for (let i = 0; i < up.length; i++) {
      const q = sa[up[i]];
      if (s[q] === sep) {
        if (full(s, q + 1, d, sep)) afterSeparator.add(nodeContaining(lo[d], rank[q + 1]));
      } else if (full(s, q, d + 1, sep)) c[nodeContaining(lo[d], rank[q + 1])]++;
    }
    for (const node of afterSeparator) c[node]++;
    cont.push(c);
  }
  rank = null;
  await step?.('n-gram levels', 3, 4);
  const contSum: Int32Array[] = [];
  for (let d = 0; d <= MAX_ORDER - 2; d++) {
    const sums = new Int32Array(d === 0 ? 1 : lo[d].length);
    const down = lo[d + 1];
    let parent = 0;
    for (let i = 0; i < down.length; i++) {
      const start = down[i];
      if (d > 0) while (parent + 1 < lo[d].length && lo[d][parent + 1] <= start) parent++;
      if (full(s, sa[start], d + 1, sep)) sums[parent] += cont[d + 1][i];
    }
    contSum.push(sums);
  }
  const discountRaw = [0];
  const discountCont = [0];
  for (let d = 1; d <= MAX_ORDER; d++) {
    let r1 = 0, r2 = 0, c1 = 0, c2 = 0;
    const level = lo[d];
    for (let i = 0; i < level.length; i++) {
      if (!full(s, sa[level[i]], d, sep)) continue;
      const size = (i + 1 < level.length ? level[i + 1] : n) - level[i];
      if (size === 1) r1++;
      else if (size === 2) r2++;
      if (d < MAX_ORDER) {
        const k = cont[d][i];
        if (k === 1) c1++;
        else if (k === 2) c2++;
      }
    }
    discountRaw.push(neyDiscount(r1, r2));
    discountCont.push(neyDiscount(c1, c2));
  }
  await step?.('n-gram levels', 4, 4);
  return { vocab, tokens: s, sa, lo, cont, contSum, discountRaw, discountCont };
}

/** bytes the index holds (typed arrays), for the bench's bytes/token */
export function indexBytes(ix: NgramIndex): number {
  let b = ix.tokens.byteLength + ix.sa.byteLength;
  for (const a of [...ix.lo, ...ix.cont, ...ix.contSum]) b += a.byteLength;
  return b;
}

/** The stream of an index: a separator (token `vocab`) before every file and one at the end; starts[i] = file i's first token. */
export function joinFiles(files: ArrayLike<number>[], vocab: number): { tokens: Int32Array; starts: Int32Array } {
  let n = 1;
  for (const f of files) n += f.length + 1;
  const tokens = new Int32Array(n);
  const starts = new Int32Array(files.length);
  let p = 0;
  files.forEach((f, i) => {
    tokens[p++] = vocab;
    starts[i] = p;
    for (let k = 0; k < f.length; k++) tokens[p++] = f[k];
  });
  tokens[p] = vocab;
  return { tokens, starts };
}
