// Surprisal as the editor decorations and the CLI table show it — bits, rank and alternatives of
// every token — against PyTorch (test/fixtures/references/surprisal.json, float64 from the bundled
// ONNX weights). Two texts are longer than the model's context, so they are scored in
// half-overlapping windows that re-feed the BOS token: code-lm (context 2048) in 2 windows,
// attn2 (context 512) in 5.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEngineHandlers } from '../../src/engine/engineHandlers';
import { modelDir, readReference, type SurprisalCase } from '../helpers/references';

const never = { cancelled: false, onCancel: () => undefined };
const engine = createEngineHandlers({ provider: 'cpu', threads: 1 });
const { cases } = readReference<{ cases: SurprisalCase[] }>('surprisal.json');

for (const ref of cases) {
  const label = `${ref.model}, ${ref.ids.length} tokens in ${ref.windows.length} window(s)`;
  test(`surprisal bits, ranks and alternatives equal PyTorch within 1e-4 (${label})`, async () => {
    const r = await engine['lm/surprisal']({ model: modelDir(ref.model), text: ref.text, maxTokens: 32768, alternatives: 3 }, never);
    assert.equal(r.truncation, null);
    assert.equal(r.model.contextLength, ref.context);
    assert.deepEqual(r.tokens.map((t) => t.id), ref.tokens.map((t) => t.id), 'one entry per token after the first, in order');
    let worstBits = 0;
    r.tokens.forEach((t, j) => {
      const want = ref.tokens[j];
      const where = `token ${want.index} (${JSON.stringify(t.text)})`;
      worstBits = Math.max(worstBits, Math.abs(t.bits - want.bits));
      assert.ok(Math.abs(t.bits - want.bits) <= 1e-4, `${where}: ${t.bits} bits vs PyTorch ${want.bits}`);
      assert.ok(Math.abs(t.prob - 2 ** -want.bits) <= 1e-4, `${where}: p ${t.prob} vs ${2 ** -want.bits}`);
      if (!want.nearTie) assert.equal(t.rank, want.rank, `${where}: rank`);
      else assert.ok(Math.abs(t.rank - want.rank) <= 1, `${where}: rank ${t.rank} vs ${want.rank} (near tie)`);
      assert.deepEqual(t.alternatives.map((a) => a.id), want.top3, `${where}: the three alternatives`);
    });
    assert.ok(Math.abs(r.meanBits - ref.meanBits) <= 1e-4, `mean ${r.meanBits} vs ${ref.meanBits}`);
    if (ref.windows.length === 1) {
      assert.equal(r.window, null);
    } else {
      // window size and stride as the rule gives them: BOS + the context − 1 tokens before the end, half that apart
      const size = ref.context - (ref.windows[1].withBos ? 1 : 0);
      assert.deepEqual(r.window, { size, stride: Math.floor(size / 2), count: ref.windows.length });
    }
    console.log(`# ${label}: worst |Δbits| ${worstBits.toExponential(2)}`);
  });
}

test('surprisal of a text cut by maxTokens scores its first tokens, as the full text does', async () => {
  const ref = cases.find((c) => c.windows.length === 1)!;
  const r = await engine['lm/surprisal']({ model: modelDir(ref.model), text: ref.text, maxTokens: 10, alternatives: 0 }, never);
  assert.equal(r.truncation?.droppedTokens, ref.ids.length - 10);
  assert.deepEqual(r.tokens.map((t) => t.id), ref.ids.slice(1, 10));
  r.tokens.forEach((t, j) => assert.ok(Math.abs(t.bits - ref.tokens[j].bits) <= 1e-4, `token ${j + 1}: ${t.bits} vs ${ref.tokens[j].bits}`));
});
