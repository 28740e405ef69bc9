// The sampler behind sampled continuations and the next-token panel's temperature / top-k / top-p
// boxes: filtered distributions worked out by hand, and seeded draws tested for fit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { filterDistribution, sampleIndex, seededRandom } from '../../src/util/distribution';
import { chiSquare, chiSquareCritical999 } from '../helpers/chiSquare';

const close = (a: number, b: number, tol = 1e-12, what = '') => assert.ok(Math.abs(a - b) <= tol, `${what} ${a} vs ${b}`);
/** p = [1/8, 2/8, 4/8, 1/8]: ids 0 and 3 tie */
const LOGITS = [Math.log(1), Math.log(2), Math.log(4), Math.log(1)];
const probsOf = (opts: { temperature?: number; topK?: number; topP?: number }) =>
  filterDistribution(LOGITS, { temperature: 1, topK: 0, topP: 1, ...opts });

test('no filter: p = 1/8, 2/8, 4/8, 1/8 and 1.75 bits', () => {
  const d = probsOf({});
  [0.125, 0.25, 0.5, 0.125].forEach((p, i) => close(d.probs[i], p, 1e-12, `id ${i}`));
  assert.deepEqual(d.kept, [2, 1, 0, 3]);
  close(d.entropyBits, 1.75);
});

test('temperature 2 takes square roots of the odds: 1 : √2 : 2 : 1; temperature 0.5 squares them', () => {
  const hot = probsOf({ temperature: 2 });
  const z = 4 + Math.SQRT2;
  [1 / z, Math.SQRT2 / z, 2 / z, 1 / z].forEach((p, i) => close(hot.probs[i], p, 1e-12, `T=2 id ${i}`));
  const cold = probsOf({ temperature: 0.5 });
  [1 / 22, 4 / 22, 16 / 22, 1 / 22].forEach((p, i) => close(cold.probs[i], p, 1e-12, `T=0.5 id ${i}`));
  const frozen = probsOf({ temperature: 0 });
  close(frozen.probs[2], 1, 1e-9, 'T=0 is the argmax');
});

test('top-k keeps the k most probable (ties: lower id) and renormalises', () => {
  const k2 = probsOf({ topK: 2 });
  assert.deepEqual(k2.kept, [2, 1]);
  [0, 1 / 3, 2 / 3, 0].forEach((p, i) => close(k2.probs[i], p, 1e-12, `k=2 id ${i}`));
  close(k2.entropyBits, -(1 / 3) * Math.log2(1 / 3) - (2 / 3) * Math.log2(2 / 3));
  const k3 = probsOf({ topK: 3 });
  assert.deepEqual(k3.kept, [2, 1, 0], 'id 0 before id 3 at the same probability');
  [1 / 7, 2 / 7, 4 / 7, 0].forEach((p, i) => close(k3.probs[i], p, 1e-12, `k=3 id ${i}`));
});

test('top-p keeps the smallest set whose mass reaches p', () => {
  assert.deepEqual(probsOf({ topP: 0.5 }).kept, [2], '0.5 reaches 0.5 with one token');
  assert.deepEqual(probsOf({ topP: 0.51 }).kept, [2, 1]);
  assert.deepEqual(probsOf({ topP: 0.75 }).kept, [2, 1], '0.5 + 0.25 reaches 0.75 (not 0.7499… in floating point)');
  assert.deepEqual(probsOf({ topP: 0.8 }).kept, [2, 1, 0]);
  const d = probsOf({ topP: 0.8 });
  [1 / 7, 2 / 7, 4 / 7, 0].forEach((p, i) => close(d.probs[i], p, 1e-12, `p=0.8 id ${i}`));
});

test(`top-p after top-k measures mass within the top-k set, as Hugging Face's warpers do`, () => {
  // top-k 2 leaves 2/3 and 1/3; top-p 0.6 is reached by the first alone (2/3 ≥ 0.6)
  assert.deepEqual(probsOf({ topK: 2, topP: 0.6 }).kept, [2]);
  assert.deepEqual(probsOf({ topK: 2, topP: 0.7 }).kept, [2, 1]);
  // temperature first: at T = 2 the top two are 2 : √2, so the first holds 2 / (2 + √2) ≈ 0.586 of them
  assert.deepEqual(probsOf({ temperature: 2, topK: 2, topP: 0.58 }).kept, [2]);
  assert.deepEqual(probsOf({ temperature: 2, topK: 2, topP: 0.59 }).kept, [2, 1]);
});

test('seeded draws follow the distribution (chi-square, 20,000 draws) and never pick a zero', () => {
  const probs = [0.1, 0, 0.2, 0.3, 0, 0.4];
  const random = seededRandom(12345);
  const n = 20000;
  const counts = probs.map(() => 0);
  for (let i = 0; i < n; i++) counts[sampleIndex(probs, random())]++;
  assert.equal(counts[1] + counts[4], 0, 'ids of probability 0 are never drawn');
  const nonzero = [0, 2, 3, 5];
  const { stat, df } = chiSquare(nonzero.map((i) => counts[i]), nonzero.map((i) => probs[i]), n);
  assert.ok(stat < chiSquareCritical999(df), `chi-square ${stat.toFixed(1)} on ${df} df (counts ${counts.join(', ')})`);
});

test('draws from a filtered distribution stay in the kept set with its renormalised odds', () => {
  const d = probsOf({ temperature: 2, topK: 3 });
  const random = seededRandom(99);
  const n = 10000;
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < n; i++) counts[sampleIndex(d.probs, random())]++;
  assert.equal(counts[3], 0, 'id 3 is outside the top 3');
  const z = 1 + Math.SQRT2 + 2;
  const { stat, df } = chiSquare([counts[0], counts[1], counts[2]], [1 / z, Math.SQRT2 / z, 2 / z], n);
  assert.ok(stat < chiSquareCritical999(df), `chi-square ${stat.toFixed(1)} on ${df} df (counts ${counts.join(', ')})`);
});

test('Mulberry32 gives the published sequence, so a seed reproduces the same continuation everywhere', () => {
  // from an independent Python transcription of Mulberry32
  const one = seededRandom(1);
  assert.deepEqual([one(), one(), one()], [0.6270739405881613, 0.002735721180215478, 0.5274470399599522]);
  const zero = seededRandom(0);
  assert.deepEqual([zero(), zero()], [0.26642920868471265, 0.0003297457005828619]);
});

test('ties in the filtered order go to the lower id, at the top as in the tail', () => {
  const flat = filterDistribution([0, 0, 0, 0], { temperature: 1, topK: 2, topP: 1 });
  assert.deepEqual(flat.kept, [0, 1]);
  assert.deepEqual(filterDistribution([0, 1, 0, 1], { temperature: 1, topK: 3, topP: 1 }).kept, [1, 3, 0]);
});

test('the uniform number picks by cumulative mass: boundaries by hand', () => {
  const p = [0.25, 0.5, 0.25];
  assert.equal(sampleIndex(p, 0), 0);
  assert.equal(sampleIndex(p, 0.2499), 0);
  assert.equal(sampleIndex(p, 0.25), 1);
  assert.equal(sampleIndex(p, 0.7499), 1);
  assert.equal(sampleIndex(p, 0.75), 2);
  assert.equal(sampleIndex(p, 0.999999), 2);
  // mass that sums to less than 1 (rounding): a number past it gives the last possible id, never a 0
  assert.equal(sampleIndex([0.3, 0.3, 0, 0], 0.99), 1);
});
