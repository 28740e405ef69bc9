// Which measured prefix lengths the dilution charts label on their log x axis.

/**
 * The measured lengths as x ticks, less a power of two too close to the last (full) length to
 * label apart from it on a log axis: 256 next to 293 would print on top of each other.
 */
export function tickLengths(lengths: number[]): number[] {
  const last = lengths[lengths.length - 1];
  return lengths.filter((n, i) => i === lengths.length - 1 || last / n >= 1.35);
}
