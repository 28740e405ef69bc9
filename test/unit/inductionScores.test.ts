// The induction scan's per-head accumulator on a synthetic perfect induction head.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inductionAccumulator } from '../../src/engine/features/induction/inductionScores';
import { sequenceSeed } from '../../src/engine/features/induction/induction';

/** [1, head=2, S, S]: head 0 attends from q to q - n + 1 on the second copy (else to 0); head 1 to the previous token */
function pattern(n: number): { dims: number[]; data: Float32Array } {
  const S = 2 * n + 1;
  const data = new Float32Array(2 * S * S);
  for (let q = 0; q < S; q++) {
    data[q * S + (q > n ? q - n + 1 : 0)] = 1;
    data[S * S + q * S + Math.max(0, q - 1)] = 1;
  }
  return { dims: [1, 2, S, S], data };
}

test('a perfect induction head scores 1, a previous-token head 0 on induction and 1 on previous token', () => {
  const n = 5;
  const acc = inductionAccumulator(n, 2);
  const p = pattern(n);
  acc.add(0, p.dims, p.data, true);
  acc.add(1, p.dims, p.data, false);
  const s = acc.finish(1);
  assert.equal(s.nHeads, 2);
  assert.deepEqual([...s.induction], [1, 0, 1, 0]);
  // head 0 puts a query on its previous token only at q = 1 (of the S - 1 = 10 queries scored)
  assert.deepEqual([...s.previous].map((v) => Number(v.toFixed(3))), [0.1, 1, 0.1, 1]);
  assert.deepEqual(s.best, { layer: 0, head: 0, score: 1 });
  const S = 2 * n + 1;
  assert.equal(s.patterns?.length, 2 * 2 * S * S);
  assert.equal(s.patterns?.[S * S + 1 * S + 0], 255, 'layer 0 head 1 row 1 → key 0 kept as 255');
  assert.equal(s.patterns?.[2 * S * S], 0, 'layer 1 was not kept');
});

test('averaging over a batch and seeds per sequence', () => {
  const acc = inductionAccumulator(3, 1);
  const p = pattern(3);
  acc.add(0, p.dims, p.data, true);
  acc.add(0, p.dims, new Float32Array(p.data.length), false);
  assert.equal(acc.finish(2).induction[0], 0.5);
  assert.notEqual(sequenceSeed(0, 1), sequenceSeed(1, 0));
  assert.equal(sequenceSeed(7, 3), sequenceSeed(7, 3));
});
