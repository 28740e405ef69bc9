import { test } from 'node:test';
import assert from 'node:assert/strict';
import { targetLogSumExp } from '../../src/engine/smallGraphs/targetLogSumExp';
import { logSumExp } from '../../src/util/distribution';

function randomLogits(rows: number, vocab: number, spread: number): Float32Array {
  let seed = 11;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  return Float32Array.from({ length: rows * vocab }, () => (rand() - 0.5) * spread);
}

test('targetLogSumExp equals the float64 log-sum-exp of every row, whatever its target', async () => {
  const vocab = 4096;
  const rows = 29;
  const logits = randomLogits(rows, vocab, 20);
  // row 3's target sits 150 nats below its maximum (p ~ 1e-65, past float32): the float64 fallback
  logits[3 * vocab + 7] = 200;
  logits[3 * vocab + 9] = 50;
  const targets = Array.from({ length: rows - 1 }, (_, r) => (r * 131) % vocab); // the last row has none
  targets[3] = 9;
  const s = await targetLogSumExp(logits, vocab, targets, 1);
  assert.equal(s.finite, true);
  for (let r = 0; r < rows; r++) {
    const want = logSumExp(logits.subarray(r * vocab, (r + 1) * vocab));
    assert.ok(Math.abs(s.logSumExp[r] - want) <= 1e-4 * Math.max(1, Math.abs(want)), `row ${r}: ${s.logSumExp[r]} vs ${want}`);
  }
  // chunks of 4 rows: the same figures
  const chunked = await targetLogSumExp(logits, vocab, targets, 1, 4 * vocab);
  assert.deepEqual(chunked, s);
});

test('targetLogSumExp reports a NaN or infinite logit anywhere in a row, not only at its target', async () => {
  const vocab = 512;
  for (const bad of [NaN, Infinity, -Infinity]) {
    const logits = randomLogits(6, vocab, 8);
    logits[4 * vocab + 300] = bad;
    const s = await targetLogSumExp(logits, vocab, [1, 2, 3, 4, 5], 1);
    assert.equal(s.finite, false, `${bad} at row 4, id 300`);
  }
});
