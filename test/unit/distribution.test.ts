import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entropyBits, filterDistribution, klBits, logSoftmax, logSumExp, rankOf, sampleIndex, seededRandom, softmax, surprisalBits, topKIndices } from '../../src/util/distribution';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('softmax matches the closed form and sums to 1', () => {
  const p = softmax([1, 2, 3]);
  const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
  close(p[0], Math.exp(1) / z);
  close(p[2], Math.exp(3) / z);
  close(p.reduce((s, x) => s + x, 0), 1);
});

test('softmax is stable for huge logits and sharpens with low temperature', () => {
  const p = softmax([1000, 1001]);
  close(p[1], 1 / (1 + Math.exp(-1)));
  const cold = softmax([1, 2], 0.1);
  assert.ok(cold[1] > 0.9999);
  const hot = softmax([1, 2], 100);
  close(hot[0], 0.5, 0.01);
});

test('logSumExp equals log of summed exponentials', () => {
  close(logSumExp([0, Math.log(3)]), Math.log(4), 1e-12);
  close(logSumExp([1000, -1000]), 1000, 1e-9); // stable: shifts by the largest, wherever it is
  close(logSumExp([-1000, 1000, 999]), 1000 + Math.log(1 + Math.exp(-1)), 1e-9);
});

test('topKIndices returns best first with ties by index', () => {
  assert.deepEqual(topKIndices([0.1, 0.5, 0.3, 0.5, 0.2], 3), [1, 3, 2]);
  assert.deepEqual(topKIndices([3, 1], 5), [0, 1]);
  assert.deepEqual(topKIndices([1, 2, 3], 0), []);
});

test('rankOf is 1-based and agrees with topK order', () => {
  const v = [0.2, 0.9, 0.4, 0.9];
  const order = topKIndices(v, 4);
  order.forEach((idx, i) => assert.equal(rankOf(v, idx), i + 1));
});

test('entropy in bits: uniform over 8 is 3 bits; a certainty is 0', () => {
  close(entropyBits(new Array(8).fill(1 / 8)), 3);
  close(entropyBits([1, 0, 0]), 0);
  close(surprisalBits(0.25), 2);
});

test('top-p keeps the smallest prefix reaching p and renormalises', () => {
  const logits = [Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)];
  const d = filterDistribution(logits, { temperature: 1, topK: 0, topP: 0.8 });
  assert.deepEqual(d.kept, [0, 1]);
  assert.equal(d.nucleusSize, 2);
  close(d.probs[0], 0.5 / 0.8, 1e-9);
  close(d.probs[2], 0);
  const k = filterDistribution(logits, { temperature: 1, topK: 3, topP: 1 });
  assert.equal(k.nucleusSize, 3);
  close(k.probs[0] + k.probs[1] + k.probs[2], 1, 1e-12);
});

test('seeded sampling is reproducible and follows the distribution', () => {
  const a = seededRandom(7);
  const b = seededRandom(7);
  for (let i = 0; i < 5; i++) assert.equal(a(), b());
  const r = seededRandom(1);
  const counts = [0, 0, 0];
  for (let i = 0; i < 20000; i++) counts[sampleIndex([0.2, 0.5, 0.3], r())]++;
  close(counts[1] / 20000, 0.5, 0.02);
  assert.equal(sampleIndex([0, 1, 0], 0.99), 1);
});

test('log-softmax and KL in bits by hand (the logit lens compares each layer with the final one)', () => {
  const lp = logSoftmax([Math.log(1), Math.log(3)]); // p = 1/4, 3/4
  close(lp[0], Math.log(0.25), 1e-12);
  close(lp[1], Math.log(0.75), 1e-12);
  // KL((1/2, 1/2) ‖ (1/4, 3/4)) = ½ log2(2) + ½ log2(2/3) = 1 − ½ log2 3
  close(klBits([Math.log(0.5), Math.log(0.5)], lp), 1 - 0.5 * Math.log2(3), 1e-12);
  close(klBits(lp, lp), 0, 1e-15);
  // a zero-probability entry of p contributes nothing, whatever q says
  close(klBits([0, -Infinity], [Math.log(0.5), Math.log(0.5)]), 1, 1e-12);
});
