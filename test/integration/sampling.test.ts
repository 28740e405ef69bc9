// Sampled continuations on the bundled code LM: the temperature / top-k / top-p distribution
// against Hugging Face's warpers restated in PyTorch (test/fixtures/references/next-token.json,
// "sampling"), and the engine's seeded draws from it tested for fit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngineHandlers } from '../../src/engine/engineHandlers';
import { filterDistribution } from '../../src/util/distribution';
import { CODE_LM } from '../helpers/paths';
import { chiSquare, chiSquareCritical999 } from '../helpers/chiSquare';
import { readReference } from '../helpers/references';

interface Setting { temperature: number; topK: number; topP: number; nucleusSize: number; kept: number[]; probs: number[] }
const { sampling } = readReference<{ sampling: { text: string; ids: number[]; settings: Setting[] } }>('next-token.json');
const never = { cancelled: false, onCancel: () => undefined };
const engine = createEngineHandlers({ provider: 'cpu', threads: 1 });
const label = (s: Setting) => `T=${s.temperature} top-k=${s.topK} top-p=${s.topP}`;

test('the filtered next-token distribution equals PyTorch warpers within 1e-4 for 7 settings', async () => {
  const r = await engine['lm/nextToken']({ model: CODE_LM, text: sampling.text, topK: 10, maxTokens: 2048 }, never);
  assert.deepEqual(r.tokens.map((t) => t.id), sampling.ids);
  for (const s of sampling.settings) {
    const d = filterDistribution(r.lastLogits, s);
    assert.equal(d.nucleusSize, s.nucleusSize, `${label(s)}: tokens kept`);
    assert.deepEqual(d.kept.slice(0, s.kept.length), s.kept, `${label(s)}: kept ids, most probable first`);
    s.kept.forEach((id, i) => assert.ok(Math.abs(d.probs[id] - s.probs[i]) <= 1e-4, `${label(s)} id ${id}: ${d.probs[id]} vs ${s.probs[i]}`));
  }
});

/** First tokens of 16 × 16 sampled continuations with seeds 0…255, counted per id. */
async function firstTokenCounts(s: Setting): Promise<{ counts: Map<number, number>; n: number }> {
  const r = await engine['lm/nextToken']({ model: CODE_LM, text: sampling.text, topK: 10, maxTokens: 2048 }, never);
  const counts = new Map<number, number>();
  let n = 0;
  for (let call = 0; call < 16; call++) {
    const g = await engine['lm/generate']({ runId: r.runId, mode: 'sample', count: 16, maxNewTokens: 1, temperature: s.temperature, topK: s.topK, topP: s.topP, seed: call * 16 }, never);
    assert.equal(g.continuations.length, 16);
    for (const c of g.continuations) {
      const id = c.tokens[0].id;
      counts.set(id, (counts.get(id) ?? 0) + 1);
      n++;
    }
  }
  return { counts, n };
}

for (const which of [2, 5]) {
  const s = sampling.settings[which];
  test(`256 sampled continuations at ${label(s)} draw their first token from that distribution`, async () => {
    const { counts, n } = await firstTokenCounts(s);
    const kept = new Set(s.kept);
    if (s.nucleusSize <= s.kept.length) for (const id of counts.keys()) assert.ok(kept.has(id), `drew id ${id}, outside the ${s.nucleusSize} kept`);
    assert.ok(counts.size > 1, `every draw was id ${[...counts.keys()][0]}: sampling picked one token`);
    const { stat, df } = chiSquare(s.kept.map((id) => counts.get(id) ?? 0), s.probs, n);
    assert.ok(stat < chiSquareCritical999(df), `chi-square ${stat.toFixed(1)} on ${df} df; top id drawn ${counts.get(s.kept[0]) ?? 0} of ${n}, expected ${(s.probs[0] * n).toFixed(0)}`);
  });
}

test('greedy continuation picks the most probable token; the same seed gives the same samples', async () => {
  const r = await engine['lm/nextToken']({ model: CODE_LM, text: sampling.text, topK: 10, maxTokens: 2048 }, never);
  const g = await engine['lm/generate']({ runId: r.runId, mode: 'greedy', count: 1, maxNewTokens: 1, temperature: 1, topK: 0, topP: 1, seed: 0 }, never);
  assert.equal(g.continuations[0].tokens[0].id, sampling.settings[0].kept[0]);
  const params = { runId: r.runId, mode: 'sample' as const, count: 4, maxNewTokens: 3, temperature: 1.5, topK: 0, topP: 1, seed: 7 };
  const a = await engine['lm/generate'](params, never);
  const b = await engine['lm/generate'](params, never);
  assert.deepEqual(a.continuations.map((c) => c.tokens.map((t) => t.id)), b.continuations.map((c) => c.tokens.map((t) => t.id)));
});
