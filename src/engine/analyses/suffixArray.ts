// Suffix array and LCP array over a token stream (integer alphabet), for the baselines' n-gram
// counts and longest verbatim matches (infini-gram style). Prefix doubling with two counting sorts
// a round: O(n log L) for L the longest repeat, typed arrays only, so 3M tokens sort in seconds
// with ~24 bytes/token of scratch that is dropped once the array is built.

/**
 * Sorted start positions of every suffix of `s` (ids in [0, alphabet)). Suffixes are compared
 * token by token; a suffix that is a prefix of another sorts first.
 */
export async function suffixArray(s: Int32Array, alphabet: number, onRound?: (round: number) => void | Promise<void>): Promise<Int32Array> {
  const n = s.length;
  const sa = new Int32Array(n);
  if (n === 0) return sa;
  let rank = new Int32Array(n);
  let next = new Int32Array(n);
  const byFirst = new Int32Array(n);
  const count = new Int32Array(Math.max(alphabet, n) + 1);
  for (let i = 0; i < n; i++) count[s[i]]++;
  for (let c = 0, sum = 0; c < alphabet; c++) { const k = count[c]; count[c] = sum; sum += k; }
  for (let i = 0; i < n; i++) sa[count[s[i]]++] = i;
  rank[sa[0]] = 0;
  for (let j = 1; j < n; j++) rank[sa[j]] = rank[sa[j - 1]] + (s[sa[j]] !== s[sa[j - 1]] ? 1 : 0);
  let classes = rank[sa[n - 1]] + 1;
  for (let k = 1, round = 0; classes < n; k *= 2, round++) {
    await onRound?.(round); // progress, and a cancel between rounds (one round of 3M tokens is ~0.1 s)
    // order by the second key (rank at i + k; past the end sorts first), then stably by the first
    let p = 0;
    for (let i = n - k; i < n; i++) if (i >= 0) byFirst[p++] = i;
    for (let j = 0; j < n; j++) if (sa[j] >= k) byFirst[p++] = sa[j] - k;
    count.fill(0, 0, classes + 1);
    for (let i = 0; i < n; i++) count[rank[i]]++;
    for (let c = 0, sum = 0; c < classes; c++) { const m = count[c]; count[c] = sum; sum += m; }
    for (let j = 0; j < n; j++) { const i = byFirst[j]; sa[count[rank[i]]++] = i; }
    next[sa[0]] = 0;
    for (let j = 1; j < n; j++) {
      const a = sa[j - 1], b = sa[j];
      const ra = a + k < n ? rank[a + k] : -1;
      const rb = b + k < n ? rank[b + k] : -1;
      next[b] = next[a] + (rank[a] === rank[b] && ra === rb ? 0 : 1);
    }
    const swap = rank; rank = next; next = swap;
    classes = rank[sa[n - 1]] + 1;
  }
  return sa;
}

/** rank[sa[j]] = j */
export function inverse(sa: Int32Array): Int32Array {
  const rank = new Int32Array(sa.length);
  for (let j = 0; j < sa.length; j++) rank[sa[j]] = j;
  return rank;
}

/**
 * lcp[j] = tokens shared by the suffixes at sa[j − 1] and sa[j] (lcp[0] = 0), counting stops
 * before the first `stop` token (the separator between files, so no shared prefix runs across a
 * file's end) and is capped at `cap` (the n-gram levels need only the first few). Kasai's
 * algorithm; the stop rule keeps its invariant (the shared prefix shrinks by at most one a step).
 */
export function lcpArray(s: Int32Array, sa: Int32Array, rank: Int32Array, stop: number, cap = 255): Uint8Array {
  const n = s.length;
  const lcp = new Uint8Array(n);
  let h = 0;
  for (let i = 0; i < n; i++) {
    const r = rank[i];
    if (r === 0) { h = 0; continue; }
    const j = sa[r - 1];
    while (i + h < n && j + h < n && s[i + h] === s[j + h] && s[i + h] !== stop) h++;
    lcp[r] = h < cap ? h : cap;
    if (h > 0) h--;
  }
  return lcp;
}
