// A count-based lookup that predicts the token k steps ahead from the last tokens up to t: the
// baseline the future-token probes are measured against ("a plan is only credited where it beats
// lookup"). It sees the same context as a probe at position t (the tokens up to and including t,
// nothing after), counts what came k steps later in the training texts, and backs off from the
// longest context with counts to shorter ones, down to the most frequent target.
// (Not the Kneser–Ney model of Compare with Baselines: a top-1 lookup needs only argmax counts.)

/** Contexts of 2, 1 and 0 tokens ending at t. */
export const NGRAM_AHEAD_ORDER = 2;

export interface NgramAhead {
  k: number;
  /** per context length (1..order): context key → the most frequent target after it */
  best: Map<string, number>[];
  /** the most frequent target overall (the 0-token context) */
  unigram: number;
}

function key(ids: ArrayLike<number>, end: number, length: number): string {
  let s = '';
  for (let i = end - length + 1; i <= end; i++) s += `${ids[i]},`;
  return s;
}

/** Counts, over the training sequences, which token came k steps after each context. */
export function fitNgramAhead(sequences: ArrayLike<number>[], k: number, order = NGRAM_AHEAD_ORDER): NgramAhead {
  const counts: Map<string, Map<number, number>>[] = Array.from({ length: order + 1 }, () => new Map());
  const unigram = new Map<number, number>();
  for (const ids of sequences) {
    for (let t = 0; t + k < ids.length; t++) {
      const target = ids[t + k];
      unigram.set(target, (unigram.get(target) ?? 0) + 1);
      for (let n = 1; n <= order && t - n + 1 >= 0; n++) {
        const c = key(ids, t, n);
        let m = counts[n].get(c);
        if (!m) counts[n].set(c, (m = new Map()));
        m.set(target, (m.get(target) ?? 0) + 1);
      }
    }
  }
  const argmax = (m: Map<number, number>): number => {
    let best = -1;
    let bestCount = -1;
    for (const [id, c] of m) if (c > bestCount || (c === bestCount && id < best)) [best, bestCount] = [id, c]; // ties: the lower id
    return best;
  };
  const best = counts.map((level) => {
    const out = new Map<string, number>();
    for (const [c, m] of level) out.set(c, argmax(m));
    return out;
  });
  return { k, best, unigram: unigram.size === 0 ? -1 : argmax(unigram) };
}

/** The lookup's guess for the token at t + k, from ids[..t]. */
export function predictNgramAhead(model: NgramAhead, ids: ArrayLike<number>, t: number): number {
  for (let n = model.best.length - 1; n >= 1; n--) {
    if (t - n + 1 < 0) continue;
    const guess = model.best[n].get(key(ids, t, n));
    if (guess !== undefined) return guess;
  }
  return model.unigram;
}
