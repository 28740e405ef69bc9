import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logitStats } from '../../src/engine/smallGraphs/logitStats';
import { entropyBits, logSumExp, rankOf } from '../../src/util/distribution';

test('logitStats matches the JavaScript row statistics, ties included', async () => {
  const vocab = 4096;
  const rows = 37;
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const logits = Float32Array.from({ length: rows * vocab }, () => (rand() - 0.5) * 20);
  const targets = Array.from({ length: rows }, () => Math.floor(rand() * vocab));
  // ties: row 0's target shares its logit with a lower and a higher id; row 1 is all equal
  logits[targets[0] > 0 ? targets[0] - 1 : 1] = logits[targets[0]];
  logits[targets[0] < vocab - 1 ? targets[0] + 1 : 2] = logits[targets[0]];
  logits.fill(3, vocab, 2 * vocab);
  const s = await logitStats(logits, vocab, targets, 1);
  for (let r = 0; r < rows; r++) {
    const row = logits.subarray(r * vocab, (r + 1) * vocab);
    const lse = logSumExp(row); // double precision references
    const h = entropyBits(Array.from(row, (l) => Math.exp(l - lse)));
    assert.ok(Math.abs(s.logSumExp[r] - lse) < 1e-4, `row ${r} lse ${s.logSumExp[r]} vs ${lse}`);
    assert.ok(Math.abs(s.entropyNats[r] / Math.LN2 - h) < 1e-4, `row ${r} entropy ${s.entropyNats[r] / Math.LN2} vs ${h}`);
    assert.equal(s.targetLogit[r], row[targets[r]]);
    assert.equal(s.targetRank[r], rankOf(row, targets[r]), `row ${r} rank`);
  }
  assert.equal(s.targetRank[1], targets[1] + 1, 'all-equal row: the rank is the id + 1');
  // in chunks of 5 rows (as 512 tokens × 50,257 ids go): the same figures
  const chunked = await logitStats(logits, vocab, targets, 1, 5 * vocab);
  assert.deepEqual(chunked, s);
});

test('float32Below is the float32 just below its argument', async () => {
  const { float32Below } = await import('../../src/engine/smallGraphs/logitStats');
  for (const x of [3, -3, 1e-30, -1e-30, 0.1, -7.25, 88.5, 1.401298464324817e-45]) {
    const x32 = Math.fround(x);
    const b = float32Below(x32);
    assert.ok(b < x32 && Math.fround(b) === b, `${x}: ${b}`);
    // nothing float32 lies between: the midpoint rounds to one of the two
    const mid = Math.fround((b + x32) / 2);
    assert.ok(mid === b || mid === x32, `${x}: ${mid} between ${b} and ${x32}`);
  }
  assert.ok(float32Below(0) < 0 && float32Below(-0) < 0);
});
