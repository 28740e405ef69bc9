// The attention thumbnail by hand: a 4×4 map pooled into 2×2 cells keeps each cell's maximum.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeadAccumulator, inductionTargets } from '../../src/engine/features/attention/attentionMaps';

test('a 4×4 map pooled to 2×2: each cell is the maximum of its four probabilities, scaled to 255', () => {
  const rows = [
    [1, 0, 0, 0],
    [0.5, 0.5, 0, 0],
    [0.2, 0.3, 0.4, 0.1],
    [0.1, 0.6, 0.1, 0.2],
  ];
  const acc = new HeadAccumulator(4, 2, inductionTargets([1, 2, 3, 4]));
  rows.forEach((r, q) => acc.addRow(q, Float32Array.from(r)));
  // cells: (0,0) = max(1, 0, 0.5, 0.5) = 1; (0,1) = 0 (causal zeros); (1,0) = max(0.2, 0.3, 0.1, 0.6) = 0.6;
  // (1,1) = max(0.4, 0.1, 0.1, 0.2) = 0.4. The largest cell is 255: 0.6 → 153, 0.4 → 102.
  assert.deepEqual(Array.from(acc.thumbnail()), [255, 0, 153, 102]);
});

test('rows arriving in any order pool to the same thumbnail (chunks of the KV cache)', () => {
  const T = 6;
  const map = Array.from({ length: T }, (_, q) => Array.from({ length: T }, (_, k) => (k <= q ? (k + 1) / (((q + 1) * (q + 2)) / 2) : 0)));
  const inOrder = new HeadAccumulator(T, 3, inductionTargets([0, 1, 2, 3, 4, 5]));
  const reversed = new HeadAccumulator(T, 3, inductionTargets([0, 1, 2, 3, 4, 5]));
  map.forEach((r, q) => inOrder.addRow(q, Float32Array.from(r)));
  [...map.keys()].reverse().forEach((q) => reversed.addRow(q, Float32Array.from(map[q])));
  assert.deepEqual(Array.from(reversed.thumbnail()), Array.from(inOrder.thumbnail()));
  // row 1's maximum p[1,1] = 2/3 and row 0's p[0,0] = 1 share cell (0,0); its value is 1 → 255
  assert.equal(inOrder.thumbnail()[0], 255);
});
