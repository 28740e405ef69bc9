// The lens grid and trace on a tiny hand-made unembedding, where every number can be worked out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsLensRows, lensGrid, lensTrace, type LogProbs } from '../../src/engine/features/lens/lensCompute';
import { createLensHead } from '../../src/engine/features/lens/lensUnembed';
import { shortLayer } from '../../webview/lens/labels';
import { unembed, type UnembedParams } from '../../src/engine/analyses/logitLens';
import { entropyBits as entropyBitsOf, logSoftmax, softmax } from '../../src/util/distribution';
import { seededRandom } from '../../src/engine/analyses/induction';

// d_model 2, vocab 3: logits = [x0, x1, 0]
const u: UnembedParams = { weight: Float32Array.from([1, 0, 0, 0, 1, 0]), dModel: 2, vocab: 3 }; // [d_model, vocab]

/** the lens head in plain JavaScript: x [rows, d_model] → log-probabilities [rows, vocab] */
function jsLogProbs(p: UnembedParams): LogProbs {
  return async (x) => {
    const logits = unembed(x, p); // [rows, vocab]
    const logp = new Float32Array(logits.length);
    for (let r = 0; r < logits.length / p.vocab; r++) logp.set(logSoftmax(logits.subarray(r * p.vocab, (r + 1) * p.vocab)), r * p.vocab);
    const entropyBits = Float32Array.from({ length: logits.length / p.vocab }, (_, r) =>
      entropyBitsOf(softmax(logits.subarray(r * p.vocab, (r + 1) * p.vocab))));
    return { logp, entropyBits };
  };
}

test('lensGrid: top-k, probabilities, entropy and KL to the last row', async () => {
  // two rows (layer 0, output), two positions each: [pos, d_model]
  const layer0 = Float32Array.from([0, 0, 5, 0]); // pos 0 uniform, pos 1 favours token 0
  const output = Float32Array.from([0, 5, 5, 0]); // pos 0 favours token 1, pos 1 favours token 0
  const g = await lensGrid([layer0, output], 2, 3, 2, jsLensRows(jsLogProbs(u), 3));
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
  // one position per chunk (as with a large vocabulary) gives the same grid
  const chunked = await lensGrid([layer0, output], 2, 3, 2, jsLensRows(jsLogProbs(u), 3), () => undefined, 3);
  assert.deepEqual(chunked, g);
  // k beyond the vocabulary: every cell keeps k slots, the ones past the vocabulary stay empty
  const wide = await lensGrid([layer0, output], 2, 3, 5, jsLensRows(jsLogProbs(u), 3));
  assert.equal(wide.topIds.length, 2 * 2 * 5);
  assert.deepEqual([...wide.topIds.subarray(0, 5)], [0, 1, 2, 0, 0]);
  assert.deepEqual([...wide.topProbs.subarray(3, 5)], [0, 0]);
});

test('lensTrace: 1-based rank and probability of a token in every row', async () => {
  const rows = [Float32Array.from([0, 0, 5, 0]), Float32Array.from([0, 5, 5, 0])];
  const t = await lensTrace(rows, 0, 2, 3, 1, jsLogProbs(u));
  assert.deepEqual([...t.ranks], [2, 1], 'uniform row: id 0 wins the tie, so id 1 is second');
  assert.ok(Math.abs(t.probs[0] - 1 / 3) < 1e-6);
  const t2 = await lensTrace(rows, 1, 2, 3, 2, jsLogProbs(u));
  assert.deepEqual([...t2.ranks], [3, 3], 'logits [5, 0, 0]: id 2 loses the tie with id 1');
});

test('shortLayer names lens rows for axes', () => {
  assert.equal(shortLayer('blocks.0.hook_resid_pre (embed)'), 'embed');
  assert.equal(shortLayer('blocks.3.hook_resid_pre'), 'L3 in');
  assert.equal(shortLayer('ln_final (output)'), 'output');
});

test('the onnxruntime lens head equals unembed + log-softmax in JavaScript, with and without bias', async () => {
  const rand = seededRandom(5);
  const d = 16;
  const V = 50;
  const x = Float32Array.from({ length: 7 * d }, () => rand() * 4 - 2); // [rows, d_model]
  for (const bias of [undefined, Float32Array.from({ length: V }, () => rand() - 0.5)]) {
    const p: UnembedParams = { weight: Float32Array.from({ length: d * V }, () => rand() - 0.5), bias, dModel: d, vocab: V };
    const got = await (await createLensHead(p)).logProbs(x);
    const want = await jsLogProbs(p)(x);
    assert.equal(got.logp.length, want.logp.length);
    let max = 0;
    for (let i = 0; i < got.logp.length; i++) max = Math.max(max, Math.abs(got.logp[i] - want.logp[i]));
    assert.ok(max < 1e-5, `log-probabilities: max |diff| ${max}`);
    for (let r = 0; r < 7; r++) assert.ok(Math.abs(got.entropyBits[r] - want.entropyBits[r]) < 1e-4, `entropy row ${r}`);
  }
});

test('the onnxruntime lens rows (top-k, entropy, KL in the graph) equal the JavaScript definition, ties included', async () => {
  const rand = seededRandom(9);
  const d = 8;
  const V = 40;
  const n = 6;
  const weight = Float32Array.from({ length: d * V }, () => rand() - 0.5);
  for (let i = 0; i < d; i++) weight[i * V + 7] = weight[i * V + 3]; // ids 3 and 7 always tie
  const p: UnembedParams = { weight, dModel: d, vocab: V };
  const head = await createLensHead(p);
  const js = jsLensRows(jsLogProbs(p), V);
  const x = Float32Array.from({ length: n * d }, () => rand() * 6 - 3); // [rows, d_model]
  const ref = Float32Array.from({ length: n * d }, () => rand() * 6 - 3);
  const k = V; // every id ranked, so the tie's order is checked
  const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string) => {
    assert.equal(a.length, b.length, what);
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) < tol, `${what}[${i}]: ${a[i]} vs ${b[i]}`);
  };
  const [gotRef, wantRef] = await Promise.all([head.rows.reference(ref, k), js.reference(ref, k)]);
  close(gotRef.logp, wantRef.logp, 1e-5, 'reference log-probabilities');
  const [got, want] = await Promise.all([head.rows.compare(x, wantRef.logp, k), js.compare(x, wantRef.logp, k)]);
  assert.deepEqual([...got.topIds], [...want.topIds], 'top ids, ties to the lower id');
  close(got.topLogp, want.topLogp, 1e-5, 'top log-probabilities');
  close(got.entropyBits, want.entropyBits, 1e-4, 'entropy');
  close(got.klBits, want.klBits, 1e-4, 'KL');
  assert.ok(want.klBits.some((v) => v > 0.1), 'the rows differ from the reference');
});

test('the onnxruntime grid graph (every lens row of a chunk in one MatMul) equals the JavaScript rows, ties and chunks included', async () => {
  const rand = seededRandom(11);
  const [d, V, T, L, k] = [8, 40, 7, 4, 6];
  const weight = Float32Array.from({ length: d * V }, () => rand() - 0.5);
  for (let i = 0; i < d; i++) weight[i * V + 9] = weight[i * V + 2]; // ids 2 and 9 always tie
  const bias = Float32Array.from({ length: V }, () => rand() - 0.5);
  bias[9] = bias[2];
  const p: UnembedParams = { weight, bias, dModel: d, vocab: V };
  const head = await createLensHead(p);
  assert.ok(head.rows.grid, 'the engine head has the one-call grid');
  const normed = Array.from({ length: L }, () => Float32Array.from({ length: T * d }, () => rand() * 6 - 3)); // [T, d] per row
  const want = await lensGrid(normed, T, V, k, jsLensRows(jsLogProbs(p), V));
  for (const chunkFloats of [8 * 1024 * 1024, 3 * V * L]) {
    const got = await lensGrid(normed, T, V, k, head.rows, () => undefined, chunkFloats); // one chunk, then chunks of 3 positions
    assert.deepEqual([...got.topIds], [...want.topIds], `top ids (chunk floats ${chunkFloats})`);
    for (let i = 0; i < want.topProbs.length; i++) assert.ok(Math.abs(got.topProbs[i] - want.topProbs[i]) < 1e-5, `prob ${i}`);
    for (let i = 0; i < want.entropyBits.length; i++) assert.ok(Math.abs(got.entropyBits[i] - want.entropyBits[i]) < 1e-4, `entropy ${i}: ${got.entropyBits[i]} vs ${want.entropyBits[i]}`);
    for (let i = 0; i < want.klToFinal.length; i++) assert.ok(Math.abs(got.klToFinal[i] - want.klToFinal[i]) < 1e-4, `kl ${i}: ${got.klToFinal[i]} vs ${want.klToFinal[i]}`);
  }
  assert.ok(want.klToFinal.some((v) => v > 0.1), 'the rows differ from the reference');
});
