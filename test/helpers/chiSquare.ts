// A chi-square goodness-of-fit check for the sampler tests. Samples come from a seeded generator,
// so a test's outcome is fixed; the bound only decides whether that fixed outcome is plausible.

/** Upper 0.1 % point of chi-square with `df` degrees of freedom (Wilson–Hilferty, z = 3.09). */
export function chiSquareCritical999(df: number): number {
  const a = 2 / (9 * df);
  return df * (1 - a + 3.09 * Math.sqrt(a)) ** 3;
}

/**
 * Chi-square statistic of `counts` against `probs` (same order; `probs` need not sum to 1 over
 * the listed entries: the rest is one pooled "other" bin). Bins expecting fewer than 5 draws are
 * pooled with "other". Returns the statistic and its degrees of freedom.
 */
export function chiSquare(counts: number[], probs: number[], n: number, otherCount = n - counts.reduce((a, b) => a + b, 0)): { stat: number; df: number } {
  let stat = 0;
  let bins = 0;
  let pooledCount = otherCount;
  let pooledProb = 1 - probs.reduce((a, b) => a + b, 0);
  probs.forEach((p, i) => {
    if (p * n >= 5) {
      stat += (counts[i] - p * n) ** 2 / (p * n);
      bins++;
    } else {
      pooledCount += counts[i];
      pooledProb += p;
    }
  });
  if (pooledProb * n >= 1e-9) {
    stat += (pooledCount - pooledProb * n) ** 2 / Math.max(pooledProb * n, 1e-9);
    bins++;
  } else if (pooledCount > 0) {
    stat = Infinity; // draws where the distribution has no mass
  }
  return { stat, df: Math.max(1, bins - 1) };
}
