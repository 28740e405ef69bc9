// Encoders and classifiers (test/fixtures/models/{bert-mlm,distilbert-sst2,bert-ner}, built by
// models/train/fixtures/encoders.py in Optimum's fill-mask / text-classification /
// token-classification layouts): the next-token view becomes the distribution at each [MASK] or
// the id2label classes, surprisal becomes pseudo-log-likelihood, all against float64 PyTorch
// within 1e-4; features that need a decoder refuse in one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngineHandlers } from '../../src/engine/engineHandlers';
import { ROOT } from '../helpers/paths';
import type { Candidate } from '../../src/protocol/engine';

const never = { cancelled: false, onCancel: () => undefined };
const engine = createEngineHandlers({ provider: 'cpu', threads: 1 });
const FIX = join(ROOT, 'test', 'fixtures', 'models');
const MLM = join(FIX, 'bert-mlm');
const SST2 = join(FIX, 'distilbert-sst2');
const NER = join(FIX, 'bert-ner');
const ROBERTA = join(FIX, 'roberta-mlm');

interface EncoderRef {
  mask_text: string;
  mask_ids: number[];
  masks: { position: number; ids: number[]; probs: number[] }[];
  pll_text: string;
  pll_ids: number[];
  pll: { position: number; id: number; bits: number; rank: number }[];
  text: string;
  ids: number[];
  labels: string[];
  probs: number[] | number[][];
}
const ref = (dir: string) => (JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as { encoder: EncoderRef }).encoder;

async function failure(run: () => unknown): Promise<{ code: string; message: string }> {
  try {
    await run();
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('it did not fail');
}

test('masked LM: the distribution at each [MASK] equals PyTorch within 1e-4', async () => {
  const r0 = ref(MLM);
  const r = await engine['lm/nextToken']({ model: MLM, text: r0.mask_text, topK: 10, maxTokens: 512 }, never);
  assert.equal(r.objective, 'masked');
  assert.equal(r.model.kind, 'masked-lm');
  assert.deepEqual(r.tokens.map((t) => t.id), r0.mask_ids);
  assert.equal(r.maskedSelection, false);
  assert.deepEqual(r.masks?.map((m) => m.position), r0.masks.map((m) => m.position));
  for (const [i, want] of r0.masks.entries()) {
    const got: Candidate[] = r.masks![i].top;
    assert.deepEqual(got.map((c) => c.id), want.ids, `top-10 ids at position ${want.position}`);
    for (const [k, c] of got.entries()) assert.ok(Math.abs(c.prob - want.probs[k]) < 1e-4, `p of ${c.id} at ${want.position}: ${c.prob} vs ${want.probs[k]}`);
  }
  assert.deepEqual(r.next, r.masks![r.masks!.length - 1].top, 'next is the last mask');
});

test('masked LM: a text without a mask has its last token masked, and says so', async () => {
  const r0 = ref(MLM);
  const r = await engine['lm/nextToken']({ model: MLM, text: r0.pll_text, topK: 5, maxTokens: 512 }, never);
  assert.equal(r.maskedSelection, true);
  const last = r0.pll_ids.length - 2; // before [SEP]
  assert.deepEqual(r.masks?.map((m) => m.position), [last]);
  const pos = await engine['lm/position']({ runId: r.runId, position: last, topK: 5 }, never);
  assert.deepEqual(pos.top.map((c) => c.id), r.next.map((c) => c.id), 'a chip click reads the masked run');
});

test('masked LM: surprisal is the pseudo-log-likelihood, each token masked in turn, within 1e-4 of PyTorch', async () => {
  const r0 = ref(MLM);
  const r = await engine['lm/surprisal']({ model: MLM, text: r0.pll_text, maxTokens: 512, alternatives: 3 }, never);
  assert.equal(r.objective, 'pseudo-log-likelihood');
  assert.deepEqual(r.tokens.map((t) => t.id), r0.pll.map((t) => t.id), '[CLS] and [SEP] are not scored');
  for (const [i, t] of r.tokens.entries()) {
    assert.ok(Math.abs(t.bits - r0.pll[i].bits) < 1e-4, `bits of token ${i}: ${t.bits} vs ${r0.pll[i].bits}`);
    assert.equal(t.rank, r0.pll[i].rank);
  }
  const mean = r0.pll.reduce((s, t) => s + t.bits, 0) / r0.pll.length;
  assert.ok(Math.abs(r.meanBits - mean) < 1e-4);
});

test('RoBERTa masked LM (<mask>, no token_type_ids, positions from the pad id): masks and pseudo-log-likelihood within 1e-4', async () => {
  const r0 = ref(ROBERTA);
  const r = await engine['lm/nextToken']({ model: ROBERTA, text: r0.mask_text, topK: 10, maxTokens: 64 }, never);
  assert.equal(r.model.kind, 'masked-lm');
  assert.deepEqual(r.tokens.map((t) => t.id), r0.mask_ids);
  assert.deepEqual(r.masks?.map((m) => m.position), r0.masks.map((m) => m.position));
  const first = r.tokens[r0.masks[0].position];
  assert.equal(r0.mask_text.slice(first.start, first.end), ' <mask>', 'the lstrip <mask> covers its space in the text');
  for (const [i, want] of r0.masks.entries()) {
    for (const [k, c] of r.masks![i].top.entries()) {
      assert.equal(c.id, want.ids[k]);
      assert.ok(Math.abs(c.prob - want.probs[k]) < 1e-4);
    }
  }
  const s = await engine['lm/surprisal']({ model: ROBERTA, text: r0.pll_text, maxTokens: 64, alternatives: 1 }, never);
  assert.deepEqual(s.tokens.map((t) => t.id), r0.pll.map((t) => t.id));
  for (const [i, t] of s.tokens.entries()) assert.ok(Math.abs(t.bits - r0.pll[i].bits) < 1e-4, `bits ${i}`);
});

test('fp16 variants (model_fp16.onnx): the masks and the classes equal PyTorch on the float16 weights within 1e-4', async () => {
  const fp16 = createEngineHandlers({ provider: 'cpu', threads: 1, variant: 'fp16' });
  const r0 = ref(MLM) as EncoderRef & { fp16: { masks: EncoderRef['masks'] } };
  const r = await fp16['lm/nextToken']({ model: MLM, text: r0.mask_text, topK: 10, maxTokens: 512 }, never);
  assert.equal(r.model.dtype, 'float16');
  for (const [i, want] of r0.fp16.masks.entries()) {
    // float16 logits tie: compare probabilities by rank, ids where the reference's neighbours differ
    for (const [k, c] of r.masks![i].top.entries()) {
      assert.ok(Math.abs(c.prob - want.probs[k]) < 1e-4, `fp16 p at rank ${k + 1}, position ${want.position}`);
      if (k === 0) assert.equal(c.id, want.ids[0]);
    }
  }
  const s0 = ref(SST2) as EncoderRef & { fp16: { probs: number[] } };
  const s = await fp16['lm/nextToken']({ model: SST2, text: s0.text, topK: 2, maxTokens: 512 }, never);
  for (const c of s.next) assert.ok(Math.abs(c.prob - s0.fp16.probs[c.id]) < 1e-4, `fp16 ${c.text}`);
});

test('sequence classifier: next-token shows the id2label classes with PyTorch probabilities, never tokens', async () => {
  const r0 = ref(SST2);
  const r = await engine['lm/nextToken']({ model: SST2, text: r0.text, topK: 10, maxTokens: 512 }, never);
  assert.equal(r.objective, 'sequence-classification');
  assert.deepEqual(r.tokens.map((t) => t.id), r0.ids);
  assert.deepEqual(r.labels, ['NEGATIVE', 'POSITIVE']);
  assert.equal(r.next.length, 2);
  for (const c of r.next) {
    assert.equal(c.text, r0.labels[c.id]);
    assert.ok(Math.abs(c.prob - (r0.probs as number[])[c.id]) < 1e-4, `${c.text}: ${c.prob}`);
  }
});

test('token classifier: classes at every token equal PyTorch within 1e-4', async () => {
  const r0 = ref(NER);
  const r = await engine['lm/nextToken']({ model: NER, text: r0.text, topK: 5, maxTokens: 512 }, never);
  assert.equal(r.objective, 'token-classification');
  assert.equal(r.tokenClasses?.length, r0.ids.length);
  for (const tc of r.tokenClasses!) {
    const want = (r0.probs as number[][])[tc.position];
    assert.equal(tc.top.length, 5);
    for (const c of tc.top) {
      assert.equal(c.text, r0.labels[c.id]);
      assert.ok(Math.abs(c.prob - want[c.id]) < 1e-4, `token ${tc.position} ${c.text}: ${c.prob} vs ${want[c.id]}`);
    }
  }
});

test('lens, induction, generation and a classifier\'s surprisal refuse in one line with the reason', async () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['lens', () => engine['lens/get']({ model: SST2, text: 'a great movie', topK: 5, maxTokens: 64 } as never, never), /^The logit lens does not apply to distilbert-sst2: it is a sequence classifier \(config\.json architectures DistilBertForSequenceClassification\); it predicts 2 classes \(NEGATIVE, POSITIVE\), not tokens/],
    ['induction', () => engine['induction/scan']({ model: SST2, seqLen: 8, batch: 1, seed: 0 } as never, never), /^The induction scan does not apply to distilbert-sst2: it is a sequence classifier/],
    ['induction on a masked LM', () => engine['induction/scan']({ model: MLM, seqLen: 8, batch: 1, seed: 0 } as never, never), /^The induction scan does not apply to bert-mlm: it is a masked language model .*not the next token/],
    ['surprisal', () => engine['lm/surprisal']({ model: NER, text: 'alice', maxTokens: 64, alternatives: 1 }, never), /^Surprisal does not apply to bert-ner: it is a token classifier .*5 classes \(O, B-PER, I-PER, B-LOC, …\) per token/],
  ];
  for (const [what, run, pattern] of cases) {
    const e = await failure(run);
    assert.equal(e.code, 'InputError', what);
    assert.match(e.message, pattern, what);
    assert.doesNotMatch(e.message, /\n|GatherElements/, what);
  }
  const r = await engine['lm/nextToken']({ model: MLM, text: 'the cat', topK: 3, maxTokens: 64 }, never);
  const e = await failure(() => engine['lm/generate']({ runId: r.runId, mode: 'greedy', count: 1, maxNewTokens: 3, temperature: 1, topK: 0, topP: 1, seed: 0 }, never));
  assert.match(e.message, /^Generation does not apply to bert-mlm: it is a masked language model/);
});
