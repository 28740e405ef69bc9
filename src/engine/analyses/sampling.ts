// Reproducible even sampling of point indices for the projector (and any feature that thins a long list).
import { seededRandom } from '../../util/distribution';

/**
 * `keep` of `total` indices, ascending, one from each of `keep` equal strata at a seeded offset:
 * spread evenly over the input (every file, every part of a file), reproducible with the seed.
 */
export function evenSample(total: number, keep: number, seed: number): number[] {
  if (total <= keep) return Array.from({ length: total }, (_, i) => i);
  const random = seededRandom(seed);
  const stride = total / keep;
  return Array.from({ length: keep }, (_, i) => Math.min(total - 1, Math.floor((i + random()) * stride)));
}
