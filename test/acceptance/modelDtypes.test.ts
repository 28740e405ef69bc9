// Models whose graph signature differs from the bundled LMs': float16 weights / past / logits
// (gpt-float16) and int32 input_ids / attention_mask / position_ids (gpt-int32-ids), built by
// models/train/fixtures/dtypes.py. Next token, surprisal in windows (context 64) and greedy
// continuation through the KV cache, against PyTorch within 1e-4.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { createEngineHandlers } from '../../src/engine/engineHandlers';
import { ROOT } from '../helpers/paths';
import type { NextTokenPosition, SurprisalCase } from '../helpers/references';

interface FixtureReference {
  inputs: { text: string; ids: number[]; top10: { ids: number[]; probs: number[] }[] }[];
  user: { nextToken: { text: string; ids: number[]; positions: NextTokenPosition[] }; surprisal: SurprisalCase; greedy: { text: string; tokens: number[] } };
}

const never = { cancelled: false, onCancel: () => undefined };
const engine = createEngineHandlers({ provider: 'cpu', threads: 1 });
const within = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-4, `${what}: ${a} vs PyTorch ${b}`);

const FIXTURES = [
  { name: 'gpt-float16', dtype: 'float16', idsType: 'int64', pastType: 'float16' },
  { name: 'gpt-int32-ids', dtype: 'float32', idsType: 'int32', pastType: 'float32' },
  // onnxruntime GroupQueryAttention exports: int32 ids beside an int64 mask; each input its own type
  { name: 'gpt-int32-ids-int64-mask', dtype: 'float32', idsType: 'int32', maskType: 'int64', pastType: 'float32' },
] as const;

for (const f of FIXTURES) {
  const dir = join(ROOT, 'test', 'fixtures', 'models', f.name);
  const ref = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as FixtureReference;

  test(`${f.name}: the graph really has ${f.idsType} ids and ${f.pastType} past/logits (the premise)`, async () => {
    const s = await ort.InferenceSession.create(join(dir, 'onnx', 'model.onnx'));
    const type = (name: string, list: readonly ort.InferenceSession.ValueMetadata[]) => {
      const m = list.find((x) => x.name === name);
      return m && m.isTensor ? m.type : undefined;
    };
    assert.equal(type('input_ids', s.inputMetadata), f.idsType);
    const maskType = 'maskType' in f ? f.maskType : f.idsType;
    assert.equal(type('attention_mask', s.inputMetadata), maskType);
    assert.equal(type('position_ids', s.inputMetadata), maskType);
    assert.equal(type('past_key_values.0.key', s.inputMetadata), f.pastType);
    assert.equal(type('logits', s.outputMetadata), f.pastType);
    await s.release();
  });

  test(`${f.name}: next-token top-10, entropy, bits and rank equal PyTorch within 1e-4`, async () => {
    const input = ref.inputs[0];
    const r = await engine['lm/nextToken']({ model: dir, text: input.text, topK: 10, maxTokens: 64, positionTopK: 10 }, never);
    assert.equal(r.model.dtype, f.dtype);
    assert.deepEqual(r.tokens.map((t) => t.id), input.ids);
    assert.ok(r.positions, 'positionTopK > 0 asks for per-position candidates');
    r.positions.forEach((pos, i) => {
      const top = pos.top ?? [];
      assert.deepEqual(top.map((c) => c.id), input.top10[i].ids, `top-10 ids at ${i}`);
      top.forEach((c, j) => within(c.prob, input.top10[i].probs[j], `p at ${i} rank ${j + 1}`));
      const want = ref.user.nextToken.positions[i];
      within(r.stats.entropyBits![i], want.entropyBits, `entropy at ${i}`);
      if (want.nextBits !== undefined) {
        within(r.stats.nextBits[i], want.nextBits, `next bits at ${i}`);
        if (!want.nearTie) assert.equal(r.stats.nextRank![i], want.nextRank, `next rank at ${i}`);
      }
    });
  });

  test(`${f.name}: the logit lens's output row (the instrumented run's feeds) equals PyTorch's next-token top-10 within 1e-4`, async () => {
    const input = ref.inputs[0];
    const r = await engine['lens/get']({ model: dir, text: input.text, maxTokens: 64, topK: 10 }, never);
    assert.deepEqual(r.tokens.map((t) => t.id), input.ids);
    const last = r.layers.length - 1; // [layer, position, k]
    for (let t = 0; t < input.ids.length; t++) {
      for (let j = 0; j < 10; j++) within(r.topProbs[(last * r.positions + t) * 10 + j], input.top10[t].probs[j], `lens output row p at ${t} rank ${j + 1}`);
    }
  });

  test(`${f.name}: surprisal in ${ref.user.surprisal.windows.length} windows of context 64 equals PyTorch within 1e-4`, async () => {
    const want = ref.user.surprisal;
    const r = await engine['lm/surprisal']({ model: dir, text: want.text, maxTokens: 4096, alternatives: 3 }, never);
    assert.equal(r.window?.count, want.windows.length);
    assert.deepEqual(r.tokens.map((t) => t.id), want.tokens.map((t) => t.id));
    r.tokens.forEach((t, j) => {
      within(t.bits, want.tokens[j].bits, `token ${j + 1} bits`);
      if (!want.tokens[j].nearTie) assert.equal(t.rank, want.tokens[j].rank, `token ${j + 1} rank`);
    });
  });

  test(`${f.name}: greedy continuation through the ${f.pastType} KV cache equals PyTorch's`, async () => {
    const r = await engine['lm/nextToken']({ model: dir, text: ref.user.greedy.text, topK: 5, maxTokens: 64 }, never);
    const g = await engine['lm/generate']({ runId: r.runId, mode: 'greedy', count: 1, maxNewTokens: ref.user.greedy.tokens.length, temperature: 1, topK: 0, topP: 1, seed: 0 }, never);
    const got = g.continuations[0].tokens.map((t) => t.id);
    // generation stops at a special token; the reference runs all steps
    const stop = ref.user.greedy.tokens.indexOf(0);
    assert.deepEqual(got, stop >= 0 ? ref.user.greedy.tokens.slice(0, stop + 1) : ref.user.greedy.tokens);
  });
}
