import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rowEntropyAndMax } from '../../src/engine/smallGraphs/probabilityRows';
import { HeadAccumulator, inductionTargets } from '../../src/engine/features/attention/attentionMaps';
import { seededRandom } from '../../src/engine/analyses/induction';

test('row entropy and maximum from onnxruntime match JavaScript, and the accumulator gives the same map and statistics with them', async () => {
  const rand = seededRandom(3);
  const T = 48;
  const map = new Float32Array(T * T); // causal rows: zeros after the diagonal, and a few inside it
  for (let q = 0; q < T; q++) {
    let sum = 0;
    for (let k = 0; k <= q; k++) sum += map[q * T + k] = rand() < 0.2 ? 0 : rand() ** 3;
    for (let k = 0; k <= q; k++) map[q * T + k] /= sum || 1;
  }
  const got = await rowEntropyAndMax(map, T, 1);
  const ids = Array.from({ length: T }, (_, i) => i % 7);
  const plain = new HeadAccumulator(T, 8, inductionTargets(ids));
  const given = new HeadAccumulator(T, 8, inductionTargets(ids));
  for (let q = 0; q < T; q++) {
    const row = map.subarray(q * T, (q + 1) * T);
    let h = 0;
    let max = 0;
    for (const p of row) {
      if (p > 0) h -= p * Math.log2(p);
      max = Math.max(max, p);
    }
    assert.ok(Math.abs(got.entropyBits[q] - h) < 1e-5, `row ${q} entropy ${got.entropyBits[q]} vs ${h}`);
    assert.equal(got.max[q], max, `row ${q} max`);
    plain.addRow(q, row);
    given.addRow(q, row, { entropyBits: got.entropyBits[q], max: got.max[q] });
  }
  assert.deepEqual(given.data, plain.data, 'uint8 map');
  assert.deepEqual(given.rowScale, plain.rowScale, 'row scales');
  assert.deepEqual(given.thumbnail(), plain.thumbnail(), 'thumbnail');
  const a = plain.summary();
  const b = given.summary();
  assert.ok(Math.abs(a.entropyBits - b.entropyBits) < 1e-5);
  assert.deepEqual([a.prevToken, a.firstToken, a.induction], [b.prevToken, b.firstToken, b.induction]);
});
