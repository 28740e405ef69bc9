// Continuations report each token's log-probability under the model's own distribution, checked
// against PyTorch (test/fixtures/references/greedy-code-lm.json, written by
// models/train/greedy_reference.py from the weights in the shipped ONNX file). Under greedy's
// top-1 filter every chosen token has p = 1 (log₂ p = 0.00), which is what the panel used to show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngineHandlers } from '../../src/engine/engineHandlers';
import { CODE_LM, ROOT } from '../helpers/paths';

interface GreedyReference {
  text: string;
  ids: number[];
  /** natural-log log-softmax at each greedy step, from full (uncached) PyTorch forwards */
  steps: { id: number; logProb: number; top: { id: number; logProb: number }[] }[];
}

const ref = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'references', 'greedy-code-lm.json'), 'utf8')) as GreedyReference;
const never = { cancelled: false, onCancel: () => undefined };
const engine = createEngineHandlers({ provider: 'cpu', threads: 1 });

async function runOf(text: string): Promise<string> {
  const r = await engine['lm/nextToken']({ model: CODE_LM, text, topK: 5, maxTokens: 4096 }, never);
  assert.deepEqual(r.tokens.map((t) => t.id), ref.ids, 'the prompt encodes as in the reference');
  return r.runId;
}

test('greedy continuation: each token’s log p is the model’s log-softmax (PyTorch within 1e-4)', async () => {
  const runId = await runOf(ref.text);
  const g = await engine['lm/generate']({ runId, mode: 'greedy', count: 1, maxNewTokens: ref.steps.length, temperature: 1, topK: 0, topP: 1, seed: 0 }, never);
  assert.deepEqual(g.sampling, { mode: 'greedy' });
  assert.equal(g.continuations.length, 1);
  const c = g.continuations[0];
  assert.deepEqual(c.tokens.map((t) => t.id), ref.steps.map((s) => s.id), 'greedy ids');
  c.tokens.forEach((t, i) => {
    const want = ref.steps[i].logProb;
    assert.ok(Math.abs(t.logProb - want) <= 1e-4, `step ${i}: log p ${t.logProb} vs PyTorch ${want}`);
    assert.ok(Math.abs(t.prob - Math.exp(want)) <= 1e-4, `step ${i}: p ${t.prob} vs PyTorch ${Math.exp(want)}`);
    assert.equal(t.sampleProb, 1, 'greedy draws from a one-token distribution');
  });
  const wantLog2 = ref.steps.reduce((s, x) => s + x.logProb, 0) / Math.LN2;
  assert.ok(Math.abs(c.log2Prob - wantLog2) <= 1e-4 * ref.steps.length, `continuation log₂ p ${c.log2Prob} vs ${wantLog2}`);
  assert.ok(c.log2Prob < -1, 'a greedy continuation of a small model is far from certain');
  assert.equal(c.sampleLog2Prob, 0);
});

test('sampled continuation: log p under the model and under the top-k = 2 sampling distribution, both named', async () => {
  const runId = await runOf(ref.text);
  const sampling = { temperature: 1, topK: 2, topP: 1 };
  const g = await engine['lm/generate']({ runId, mode: 'sample', count: 4, maxNewTokens: 1, seed: 7, ...sampling }, never);
  assert.deepEqual(g.sampling, { mode: 'sample', ...sampling });
  // the first token is drawn from the prompt's distribution, whose top 2 the reference lists
  const [a, b] = ref.steps[0].top;
  for (const c of g.continuations) {
    const t = c.tokens[0];
    const own = [a, b].find((x) => x.id === t.id);
    assert.ok(own, `top-k 2 draws one of ${a.id}, ${b.id}, not ${t.id}`);
    assert.ok(Math.abs(t.logProb - own.logProb) <= 1e-4, `model log p ${t.logProb} vs PyTorch ${own.logProb}`);
    const renormalised = Math.exp(own.logProb) / (Math.exp(a.logProb) + Math.exp(b.logProb));
    assert.ok(Math.abs(t.sampleProb - renormalised) <= 1e-4, `sampling p ${t.sampleProb} vs ${renormalised}`);
    assert.ok(Math.abs(c.sampleLog2Prob - Math.log2(renormalised)) <= 1e-4);
    assert.ok(Math.abs(c.log2Prob - own.logProb / Math.LN2) <= 1e-4);
  }
});
