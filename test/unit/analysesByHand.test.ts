// The dilution panel's three measures and the uint8 encoding of maps, on inputs small enough to
// work out by hand (including the cases real models rarely produce: exact zeros, zero vectors,
// keys from earlier context, an offset minimum).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { firstTokenMass, meanCosineToMean, normalizedEntropy } from '../../src/engine/analyses/dilution';
import { quantizeU8 } from '../../src/engine/analyses/quantize';

const close = (a: number, b: number, what = '') => assert.ok(Math.abs(a - b) < 1e-6, `${what} ${a} vs ${b}`);

test('entropy / ln n: 1 for uniform rows, 0 for one key; q = 0 (one visible key) is skipped', () => {
  // one head, 3 queries: q1 uniform over its 2 keys → 1; q2 all on key 0 (exact zeros elsewhere) → 0
  const p = Float32Array.from([1, 0, 0, 0.5, 0.5, 0, 1, 0, 0]);
  close(normalizedEntropy(p, [1, 3, 3], true), 0.5);
  // two heads average: the second has q1 = (0.5, 0.5) → 1 and q2 uniform over 3 → 1
  const two = Float32Array.from([...p, 1, 0, 0, 0.5, 0.5, 0, 1 / 3, 1 / 3, 1 / 3]);
  close(normalizedEntropy(two, [2, 3, 3], true), (0.5 + 1) / 2);
});

test('entropy / ln n with keys from earlier context (2 queries over 3 keys) and for encoders', () => {
  // shift 1: q0 sees keys 0..1, q1 sees keys 0..2
  const p = Float32Array.from([0.5, 0.5, 0, 1 / 3, 1 / 3, 1 / 3]);
  close(normalizedEntropy(p, [1, 2, 3], true), 1);
  // not causal: every row is over all 3 keys; (0.5, 0.5, 0) → ln 2 / ln 3
  close(normalizedEntropy(p, [1, 2, 3], false), (Math.log(2) / Math.log(3) + 1) / 2);
});

test('first-token mass: mean of p[q, 0] over heads and queries', () => {
  const p = Float32Array.from([1, 0, 0.25, 0.75, 1, 0, 0.5, 0.5]); // 2 heads × 2 queries × 2 keys
  close(firstTokenMass(p, [2, 2, 2]), (1 + 0.25 + 1 + 0.5) / 4);
});

test('residual cosine to the mean: by hand, and a zero vector counts as 0', () => {
  // rows (1, 0) and (0, 1): mean (0.5, 0.5), each at 45° → cos = √½
  close(meanCosineToMean(Float32Array.from([1, 0, 0, 1]), 2), Math.SQRT1_2);
  // rows (2, 0), (0, 0): mean (1, 0); cos = 1 and (zero vector) 0 → 0.5
  close(meanCosineToMean(Float32Array.from([2, 0, 0, 0]), 2), 0.5);
  // opposite rows: the mean is zero → every cosine counts 0
  close(meanCosineToMean(Float32Array.from([1, 2, -1, -2]), 2), 0);
});

test('uint8 encoding: min, step (max − min) / 255, values rounded', () => {
  const q = quantizeU8(Float32Array.from([1, 2, 3, 1.5]));
  assert.equal(q.min, 1);
  close(q.scale, 2 / 255);
  assert.deepEqual(Array.from(q.data), [0, 128, 255, 64]); // 127.5 → 128, 63.75 → 64
  const flat = quantizeU8(Float32Array.from([0.25, 0.25]));
  assert.deepEqual([Array.from(flat.data), flat.min, flat.scale], [[0, 0], 0.25, 0]);
  const empty = quantizeU8(new Float32Array(0));
  assert.deepEqual([empty.data.length, empty.min, empty.scale], [0, 0, 0]);
});
