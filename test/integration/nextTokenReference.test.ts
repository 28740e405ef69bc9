// The engine's next-token path (tokenizer → runner → top-k maths) against the PyTorch
// reference stored with each bundled language model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngineHandlers } from '../../src/engine/engineHandlers';
import { LanguageModels } from '../../src/engine/languageModels';
import { topKIndices } from '../../src/util/distribution';
import { ROOT } from '../helpers/paths';
import { readReference, type NextTokenReference } from '../helpers/references';
import type { DecoderLm } from '../../src/engine/runners/decoderLm';

interface Reference {
  inputs: { text: string; ids: number[]; tokens: string[]; top10: { ids: number[]; probs: number[] }[] }[];
}

const never = { cancelled: false, onCancel: () => undefined };
const engine = createEngineHandlers({ provider: 'cpu', threads: 1 });
const models = new LanguageModels({ provider: 'cpu', threads: 1 });
// per-position entropy, next-token bits and rank in float64 PyTorch (models/train/user_references.py)
const figures = readReference<NextTokenReference>('next-token.json');

for (const name of ['tensorloupe-code-lm', 'tensorloupe-attn2']) {
  const dir = join(ROOT, 'models', name);
  const refPath = join(dir, 'reference.json');
  test(`${name}: top-10 at every position equals PyTorch within 1e-4`, { skip: !existsSync(refPath) && `${name} not built` }, async () => {
    const ref = JSON.parse(readFileSync(refPath, 'utf8')) as Reference;
    for (const input of ref.inputs) {
      const r = await engine['lm/nextToken']({ model: dir, text: input.text, topK: 10, maxTokens: 4096, positionTopK: 10 }, never);
      assert.deepEqual(r.tokens.map((t) => t.id), input.ids, `token ids of ${JSON.stringify(input.text)}`);
      assert.ok(r.positions, 'positionTopK > 0 asks for per-position candidates');
      assert.equal(r.positions.length, input.top10.length);
      r.positions.forEach((pos, i) => {
        const want = input.top10[i];
        assert.deepEqual(pos.top?.map((c) => c.id), want.ids, `top-10 ids at position ${i}`);
        pos.top?.forEach((c, j) => assert.ok(Math.abs(c.prob - want.probs[j]) <= 1e-4, `p at position ${i} rank ${j + 1}: ${c.prob} vs ${want.probs[j]}`));
      });
      // the per-position columns the panel reads: the actual next token's p and rank against
      // PyTorch's top 10; entropy, bits and rank against the float64 PyTorch figures
      const fig = figures.models[name]?.find((f) => f.text === input.text);
      assert.ok(fig, `next-token.json has ${JSON.stringify(input.text)} for ${name}`);
      assert.deepEqual(fig.ids, input.ids);
      r.positions.forEach((pos, i) => {
        const want = fig.positions[i];
        assert.ok(Math.abs(r.stats.entropyBits![i] - want.entropyBits) <= 1e-4, `entropy at ${i}: ${r.stats.entropyBits![i]} bits vs PyTorch ${want.entropyBits}`);
        assert.ok(Math.abs(pos.entropyBits - want.entropyBits) <= 1e-4, `entropy of position ${i}'s prediction: ${pos.entropyBits} vs ${want.entropyBits}`);
        if (i + 1 === input.ids.length) return assert.ok(Number.isNaN(r.stats.nextProb[i]), 'the last position has no next token');
        const top = input.top10[i];
        const j = top.ids.indexOf(input.ids[i + 1]);
        if (j >= 0) assert.ok(Math.abs(r.stats.nextProb[i] - top.probs[j]) <= 1e-4, `next p at ${i}: ${r.stats.nextProb[i]} vs ${top.probs[j]}`);
        assert.ok(Math.abs(r.stats.nextBits[i] - want.nextBits!) <= 1e-4, `next bits at ${i}: ${r.stats.nextBits[i]} vs PyTorch ${want.nextBits}`);
        if (!want.nearTie) assert.equal(r.stats.nextRank![i], want.nextRank, `next rank at ${i}`);
        assert.deepEqual(pos.actual && [pos.actual.rank, pos.actual.bits], [r.stats.nextRank![i], r.stats.nextBits[i]]);
      });
      // the panel's "next" list is the last position's, extended
      assert.deepEqual(r.next.slice(0, 10).map((c) => c.id), input.top10[input.top10.length - 1].ids);
    }
  });

  test(`${name}: the default request's surprisal columns equal PyTorch within 1e-4 and the full request's, without entropy or rank`, { skip: !existsSync(refPath) && `${name} not built` }, async () => {
    for (const fig of figures.models[name] ?? []) {
      const quick = await engine['lm/nextToken']({ model: dir, text: fig.text, topK: 10, maxTokens: 4096 }, never);
      const full = await engine['lm/nextToken']({ model: dir, text: fig.text, topK: 10, maxTokens: 4096, stats: 'full' }, never);
      assert.deepEqual(quick.tokens.map((t) => t.id), fig.ids);
      assert.equal(quick.stats.entropyBits, undefined, 'entropy is computed only when asked for');
      assert.equal(quick.stats.nextRank, undefined, 'rank is computed only when asked for');
      assert.equal(full.stats.nextRank?.length, fig.ids.length);
      fig.positions.forEach((want, i) => {
        if (i + 1 === fig.ids.length) return assert.ok(Number.isNaN(quick.stats.nextBits[i]), 'the last position has no next token');
        assert.ok(Math.abs(quick.stats.nextBits[i] - want.nextBits!) <= 1e-4, `next bits at ${i}: ${quick.stats.nextBits[i]} vs PyTorch ${want.nextBits}`);
        assert.ok(Math.abs(quick.stats.nextBits[i] - full.stats.nextBits[i]) <= 1e-5, `next bits at ${i}: surprisal-only vs full`);
        assert.ok(Math.abs(quick.stats.nextProb[i] - full.stats.nextProb[i]) <= 1e-5, // float32 sums of 4,096 exps in another order
           `next p at ${i}: ${quick.stats.nextProb[i]} vs ${full.stats.nextProb[i]}`);
        assert.equal(quick.stats.nextLogit[i], full.stats.nextLogit[i]);
      });
      assert.deepEqual(quick.next.map((c) => c.id), full.next.map((c) => c.id));
      quick.next.forEach((c, j) => assert.ok(Math.abs(c.prob - full.next[j].prob) <= 1e-5, `candidate ${j}: p ${c.prob} vs ${full.next[j].prob}`));
    }
  });

  test(`${name}: greedy continuation with the KV cache equals full forwards without it`, { skip: !existsSync(refPath) && `${name} not built` }, async () => {
    const r = await engine['lm/nextToken']({ model: dir, text: 'def add(a, b):\n    return', topK: 5, maxTokens: 4096 }, never);
    const g = await engine['lm/generate']({ runId: r.runId, mode: 'greedy', count: 1, maxNewTokens: 6, temperature: 1, topK: 0, topP: 1, seed: 0 }, never);
    const lm = (await models.load(dir)).lm as DecoderLm;
    const ids = r.tokens.map((t) => t.id);
    for (const tok of g.continuations[0].tokens) {
      const { logits, vocab } = await lm.forward(ids); // no cache: the whole prefix again
      const last = logits.subarray((ids.length - 1) * vocab);
      assert.equal(topKIndices(last, 1)[0], tok.id, `greedy token after ${ids.length} tokens`);
      ids.push(tok.id);
    }
  });
}
