// Which prefix lengths attention dilution measures. Shared by the engine (default plan) and the
// host (which asks for one length at a time to show progress and stop between lengths).

/** Shortest prefix measured: below this, entropy / log n says little. */
export const DILUTION_MIN_LENGTH = 4;

/** Powers of two from DILUTION_MIN_LENGTH below `total`, then `total` itself; ascending. */
export function dilutionLengths(total: number): number[] {
  if (!Number.isInteger(total) || total < 1) return [];
  const out: number[] = [];
  for (let n = DILUTION_MIN_LENGTH; n < total; n *= 2) out.push(n);
  out.push(total);
  return out;
}
