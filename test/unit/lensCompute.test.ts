// The lens grid and trace on a tiny hand-made unembedding, where every number can be worked out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lensGrid, lensTrace } from '../../src/engine/internals/lensCompute';
import { shortLayer } from '../../webview/lens/labels';
import type { UnembedParams } from '../../src/engine/analyses/logitLens';

// d_model 2, vocab 3: logits = [x0, x1, 0]
const u: UnembedParams = { weight: Float32Array.from([1, 0, 0, 0, 1, 0]), dModel: 2, vocab: 3 }; // [d_model, vocab]

test('lensGrid: top-k, probabilities, entropy and KL to the last row', () => {
  // two rows (layer 0, output), two positions each: [pos, d_model]
  const layer0 = Float32Array.from([0, 0, 5, 0]); // pos 0 uniform, pos 1 favours token 0
  const output = Float32Array.from([0, 5, 5, 0]); // pos 0 favours token 1, pos 1 favours token 0
  const g = lensGrid([layer0, output], 2, u, 2);
  assert.equal(g.topIds.length, 2 * 2 * 2);
  // layer 0, position 0: uniform over 3 → ties broken by lower id
  assert.deepEqual([...g.topIds.subarray(0, 2)], [0, 1]);
  assert.ok(Math.abs(g.topProbs[0] - 1 / 3) < 1e-6);
  assert.ok(Math.abs(g.entropyBits[0] - Math.log2(3)) < 1e-6);
  // output, position 0: token 1 first with p = e^5 / (e^5 + 2)
  const p1 = Math.exp(5) / (Math.exp(5) + 2);
  assert.equal(g.topIds[(1 * 2 + 0) * 2], 1);
  assert.ok(Math.abs(g.topProbs[(1 * 2 + 0) * 2] - p1) < 1e-6);
  // KL(output ‖ layer 0) at position 0 = Σ p log2(p / (1/3)); at position 1 the rows agree → 0
  const q = [1 / (Math.exp(5) + 2), p1, 1 / (Math.exp(5) + 2)];
  const kl = q.reduce((s, p) => s + p * Math.log2(p * 3), 0);
  assert.ok(Math.abs(g.klToFinal[0] - kl) < 1e-5, `${g.klToFinal[0]} vs ${kl}`);
  assert.ok(Math.abs(g.klToFinal[1]) < 1e-6);
  assert.deepEqual([...g.klToFinal.subarray(2)], [0, 0], 'the output row is the reference');
});

test('lensTrace: 1-based rank and probability of a token in every row', () => {
  const rows = [Float32Array.from([0, 0, 5, 0]), Float32Array.from([0, 5, 5, 0])];
  const t = lensTrace(rows, 0, u, 1);
  assert.deepEqual([...t.ranks], [2, 1], 'uniform row: id 0 wins the tie, so id 1 is second');
  assert.ok(Math.abs(t.probs[0] - 1 / 3) < 1e-6);
  const t2 = lensTrace(rows, 1, u, 2);
  assert.deepEqual([...t2.ranks], [3, 3], 'logits [5, 0, 0]: id 2 loses the tie with id 1');
});

test('shortLayer names lens rows for axes', () => {
  assert.equal(shortLayer('blocks.0.hook_resid_pre (embed)'), 'embed');
  assert.equal(shortLayer('blocks.3.hook_resid_pre'), 'L3 in');
  assert.equal(shortLayer('ln_final (output)'), 'output');
});
