/** Pure analyses: distributions, head statistics, induction test, logit lens (checked against the
 * fixture models' own logits and PyTorch's ln_final), dilution, quantisers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Tensor } from 'onnxruntime-node';
import { join } from 'node:path';
import { entropyBits, klBits, logSoftmax, rankOf, softmax, topKIndices } from '../../src/util/distribution';
import { headStats } from '../../src/engine/analyses/headStats.js';
import { inductionInput, lossPerHalf, seededRandom } from '../../src/engine/analyses/induction.js';
import { applyFinalNorm, lensLayer, unembed } from '../../src/engine/analyses/logitLens.js';
import { firstTokenMass, meanCosineToMean, normalizedEntropy } from '../../src/engine/analyses/dilution.js';
import { quantizeU8 } from '../../src/engine/analyses/quantize.js';
import { findLensParams } from '../../src/engine/instrument/lensParams.js';
import { instrumentModel } from '../../src/engine/instrument/instrumentModel.js';
import { createInstrumentedSession, fetchActivations } from '../../src/engine/instrument/fetchActivations.js';
import { textFeeds } from '../../src/engine/instrument/textFeeds.js';

const close = (a: number, b: number, tol = 1e-6): void => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('softmax, log-softmax, entropy, top-k, rank, KL', () => {
  const p = softmax([0, Math.log(3)]);
  close(p[0], 0.25);
  close(p[1], 0.75);
  close(logSoftmax([1000, 1000])[0], Math.log(0.5)); // no overflow
  close(entropyBits(new Float32Array(8).fill(1 / 8)), 3);
  close(entropyBits([1, 0, 0]), 0);
  assert.deepEqual(topKIndices([0.1, 0.5, 0.2, 0.5, 0.05], 3), [1, 3, 2]);
  assert.deepEqual(topKIndices([3, 1], 5), [0, 1]);
  assert.equal(rankOf([0.1, 0.5, 0.2], 2), 2); // 1-based
  close(klBits(logSoftmax([0, 0]), logSoftmax([0, 0])), 0);
  close(klBits([Math.log(0.5), Math.log(0.5)], [Math.log(0.25), Math.log(0.75)]), 0.5 * Math.log2(2) + 0.5 * Math.log2(0.5 / 0.75));
});

/** [head, S, S] pattern where head 0 attends to q-1, head 1 to the induction target, head 2 to BOS */
function syntheticPattern(period: number): { dims: [number, number, number]; data: Float32Array } {
  const S = 1 + 2 * period;
  const data = new Float32Array(3 * S * S);
  for (let q = 0; q < S; q++) {
    data[(0 * S + q) * S + Math.max(0, q - 1)] = 1;
    data[(1 * S + q) * S + (q > period ? q - period + 1 : 0)] = 1;
    data[(2 * S + q) * S + 0] = 1;
  }
  return { dims: [3, S, S], data };
}

test('head stats find previous-token, induction and sink heads', () => {
  const [prev, ind, sink] = headStats(syntheticPattern(5), 5);
  close(prev.previousToken, 1);
  close(prev.firstToken, 2 / 11); // q = 0 and q = 1 both look at position 0
  close(ind.induction, 1);
  close(ind.duplicateToken, 0);
  close(sink.firstToken, 1);
  close(sink.entropy, 0);
  assert.ok(Number.isNaN(headStats(syntheticPattern(5))[0].induction));
});

test('induction input is seeded, BOS + block + block, and loss per half', () => {
  const a = inductionInput({ seed: 7, length: 10, vocabSize: 100, bos: 0, exclude: [1] });
  assert.deepEqual(a, inductionInput({ seed: 7, length: 10, vocabSize: 100, bos: 0, exclude: [1] }));
  assert.notDeepEqual(a, inductionInput({ seed: 8, length: 10, vocabSize: 100, bos: 0, exclude: [1] }));
  assert.equal(a.length, 21);
  assert.equal(a[0], 0);
  assert.deepEqual(a.slice(1, 11), a.slice(11));
  assert.ok(a.slice(1).every((t) => t > 1 && t < 100));
  assert.equal(new Set(a.slice(1, 11)).size, 10);
  assert.notEqual(seededRandom(1)(), seededRandom(2)());
  // logits that know the second copy perfectly and nothing about the first
  const V = 100;
  const logits = new Float32Array(a.length * V);
  for (let t = 10; t + 1 < a.length; t++) logits[t * V + a[t + 1]] = 50;
  const loss = lossPerHalf(logits, V, a);
  close(loss.firstHalf, Math.log(V), 1e-4);
  assert.ok(loss.secondHalf < 1e-10);
  assert.equal(loss.perToken.length, 20);
});

test('dilution statistics', () => {
  const S = 4;
  const uniform = new Float32Array(S * S);
  for (let q = 0; q < S; q++) for (let k = 0; k <= q; k++) uniform[q * S + k] = 1 / (q + 1);
  close(normalizedEntropy(uniform, [1, S, S], true), 1, 1e-6);
  const bos = new Float32Array(S * S);
  for (let q = 0; q < S; q++) bos[q * S] = 1;
  close(normalizedEntropy(bos, [1, S, S], true), 0);
  close(firstTokenMass(bos, [1, S, S]), 1);
  close(firstTokenMass(uniform, [1, S, S]), (1 + 1 / 2 + 1 / 3 + 1 / 4) / 4);
  close(meanCosineToMean(Float32Array.from([1, 2, 2, 4]), 2), 1);
  close(meanCosineToMean(Float32Array.from([1, 0, 0, 1]), 2), Math.SQRT1_2);
});

test('quantiser: uint8 within half a step of the original', () => {
  const v = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 0.5 + 0.5);
  const q = quantizeU8(v);
  v.forEach((x, i) => assert.ok(Math.abs(x - (q.min + q.data[i] * q.scale)) <= q.scale / 2 + 1e-7));
  assert.deepEqual(quantizeU8(new Float32Array(3).fill(0.25)), { data: new Uint8Array(3), min: 0.25, scale: 0 }, 'a constant map has scale 0');
});

interface Ref { inputs: { ids: number[]; token_type_ids?: number[] }[]; activations: Record<string, { shape: number[]; data: number[] }> }

for (const name of ['llama-gqa', 'gpt-postln', 'fused-attention', 'llama-gqa-extdata', 'bert-postln', 'bert-postln-opset13']) {
  test(`logit lens on the last residual reproduces ln_final and the logits: ${name}`, async () => {
    const dir = join('test/fixtures/models', name);
    const modelPath = join(dir, 'onnx', 'model.onnx');
    const ref = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as Ref;
    const lens = await findLensParams(modelPath);
    const last = Object.keys(ref.activations).filter((k) => k.endsWith('hook_resid_post')).sort().pop() as string;
    const resid = Float32Array.from(ref.activations[last].data); // [1, pos, d_model]
    const normed = applyFinalNorm(resid, lens.unembed.dModel, lens.norm);
    const want = ref.activations['ln_final.hook_normalized'].data;
    normed.forEach((x, i) => close(x, want[i], 1e-4));
    const r = await instrumentModel(modelPath, mkdtempSync(join(tmpdir(), 'tl-lens-')));
    const session = await createInstrumentedSession(r);
    const ids = ref.inputs[0].ids;
    const feeds = textFeeds(r.inputs, ids);
    const types = ref.inputs[0].token_type_ids;
    if (types) feeds.token_type_ids = new Tensor('int64', BigInt64Array.from(types.map(BigInt)), [1, types.length]);
    const logits = (await session.run(feeds, ['logits'])).logits.data as Float32Array;
    unembed(normed, lens.unembed).forEach((x, i) => close(x, logits[i], 1e-4));
    const cells = lensLayer(resid, lens.norm, lens.unembed, ids[1], logits);
    assert.equal(cells.length, ids.length);
    cells.forEach((c) => close(c.klToFinal ?? NaN, 0, 1e-4));
    // an earlier layer is further from the final distribution than the last one
    const early = await fetchActivations(session, r, feeds, ['blocks.0.hook_resid_pre']);
    const far = lensLayer(early.get('blocks.0.hook_resid_pre')?.data as Float32Array, lens.norm, lens.unembed, undefined, logits);
    assert.ok(far.reduce((a, c) => a + (c.klToFinal ?? 0), 0) > 1e-3);
    await session.release();
  });
}
