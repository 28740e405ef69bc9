import { InputError } from '../../errors';
import { seededRandom } from '../../../util/distribution';

// The seeded parts of a cross-modal fit: which classes the map is fitted on and which it is
// tested on (whole classes, so a held-out class's token was never a target of the fit), the
// cross-validation folds over the training classes, and the shuffled-pairs permutations.

export interface ClassSplit {
  /** class indices, in the shuffled order the folds are dealt from */
  train: number[];
  test: number[];
  /** training classes per fold: fold f holds train[i] for i % folds === f */
  folds: number[][];
}

export const DEFAULT_TEST_FRACTION = 1 / 3;
/** k-fold over the training classes for λ (ridge) and the layer choice; fewer when there are fewer classes */
const MAX_FOLDS = 4;
/** the smallest class count a split can serve: 3 training classes (2 for a fold's fit + 1 left out) and 1 held out */
export const MIN_CLASSES = 4;

/** Fisher–Yates with the seeded PRNG. */
function shuffle(values: number[], random: () => number): number[] {
  const a = values.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** Deals nClasses classes: round(testFraction · n) held out (at least 1, leaving at least 3 to train on). */
export function splitClasses(nClasses: number, seed: number, testFraction = DEFAULT_TEST_FRACTION): ClassSplit {
  if (nClasses < MIN_CLASSES) throw new InputError(`A cross-modal map needs at least ${MIN_CLASSES} classes (texts) to fit on some and test on others; the pairs have ${nClasses}.`);
  const order = shuffle(Array.from({ length: nClasses }, (_, i) => i), seededRandom(seed));
  const nTest = Math.min(nClasses - 3, Math.max(1, Math.round(nClasses * testFraction)));
  const test = order.slice(0, nTest).sort((a, b) => a - b);
  const train = order.slice(nTest);
  const nFolds = Math.min(MAX_FOLDS, train.length);
  const folds = Array.from({ length: nFolds }, (_, f) => train.filter((_, i) => i % nFolds === f));
  return { train, test, folds };
}

/**
 * `count` permutations of the classes' targets with no class kept on its own target (a
 * derangement), from a PRNG of their own (seed + 1) so they do not depend on the split's draws.
 */
export function shuffledPairs(nClasses: number, seed: number, count: number): Int32Array[] {
  const random = seededRandom((seed + 1) >>> 0);
  const out: Int32Array[] = [];
  if (nClasses < 2) return out; // one class has no derangement
  const identity = Array.from({ length: nClasses }, (_, i) => i);
  while (out.length < count) {
    const p = shuffle(identity, random);
    if (p.every((v, i) => v !== i)) out.push(Int32Array.from(p));
  }
  return out;
}
