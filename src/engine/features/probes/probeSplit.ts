import { InputError } from '../../errors';
import { seededRandom } from '../../../util/distribution';

// The split and the control task, both seeded. Texts (groups), not examples, are dealt to
// train / validation / test, so no text has tokens on two sides (a probe could otherwise
// recognise the text instead of the property).

export interface ProbeSplit {
  /** example indices of each side */
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

/** Fisher–Yates with the seeded PRNG. */
function shuffled(values: number[], random: () => number): number[] {
  const a = values.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** 60 % of the texts train, 20 % choose the L2 strength, 20 % are the held-out test (at least one text each). */
export function splitByGroup(group: Int32Array, seed: number, name: string): ProbeSplit {
  const groups = [...new Set(group)].sort((a, b) => a - b);
  if (groups.length < 3) throw new InputError(`${name} has ${groups.length} text${groups.length === 1 ? '' : 's'} with labelled tokens; a probe needs at least 3 (train, validation, test are split by text).`);
  const order = shuffled(groups, seededRandom(seed));
  const nTest = Math.max(1, Math.round(order.length * 0.2));
  const nValidation = Math.max(1, Math.round(order.length * 0.2));
  const side = new Map<number, number>(); // group → 0 train, 1 validation, 2 test
  order.forEach((g, i) => side.set(g, i < nTest ? 2 : i < nTest + nValidation ? 1 : 0));
  const lists: number[][] = [[], [], []];
  for (let i = 0; i < group.length; i++) lists[side.get(group[i]) as number].push(i);
  return { train: Int32Array.from(lists[0]), validation: Int32Array.from(lists[1]), test: Int32Array.from(lists[2]) };
}

/**
 * Hewitt & Liang's control task: each type (a token id, or a text for sequence tasks) gets one
 * random label, drawn with the true labels' frequencies; every example of that type carries it.
 * A probe that scores as well here as on the real labels is memorising types, not reading structure.
 */
export function controlLabels(type: Int32Array, y: Int32Array, k: number, seed: number): Int32Array {
  const counts = new Float64Array(k);
  for (const c of y) counts[c]++;
  const cumulative = new Float64Array(k);
  let acc = 0;
  for (let c = 0; c < k; c++) cumulative[c] = acc += counts[c] / y.length;
  // a PRNG of its own (seed + 1), so the split's draws do not depend on how many types there are
  const random = seededRandom((seed + 1) >>> 0);
  const assigned = new Map<number, number>();
  for (const t of [...new Set(type)].sort((a, b) => a - b)) {
    const u = random();
    let c = 0;
    while (c < k - 1 && u >= cumulative[c]) c++;
    assigned.set(t, c);
  }
  return Int32Array.from(type, (t) => assigned.get(t) as number);
}
