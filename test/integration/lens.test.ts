// Logit lens through the engine API: the output row is the model's own next-token distribution,
// earlier rows come from the residual stream, and the reference activations agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngineHandlers } from '../../src/engine/engineHandlers';
import { findLensParams } from '../../src/engine/instrument/lensParams';
import { applyFinalNorm, unembed } from '../../src/engine/analyses/logitLens';
import { logSoftmax } from '../../src/util/distribution';
import { lensTargetNote } from '../../src/util/lensTargetNote';
import { CODE_LM, ROOT } from '../helpers/paths';

const never = { cancelled: false, onCancel: () => undefined };
const engine = createEngineHandlers({ provider: 'cpu', threads: 1, cacheDir: mkdtempSync(join(tmpdir(), 'tl-lens-')) });
const skip = !existsSync(join(CODE_LM, 'onnx', 'model.onnx')) && 'code-lm not built';
const TEXT = 'def add(a, b):\n    return a + b\n\nprint(add(1, 2))\n';

for (const [name, layers] of [['tensorloupe-code-lm', 4], ['tensorloupe-attn2', 2]] as const) {
  const dir = join(ROOT, 'models', name);
  test(`${name}: the last lens row equals lm/nextToken at every position within 1e-4`, { skip: !existsSync(join(dir, 'onnx', 'model.onnx')) && `${name} not built` }, async () => {
    const lens = await engine['lens/get']({ model: dir, text: TEXT, maxTokens: 2048, topK: 5 }, never);
    const next = await engine['lm/nextToken']({ model: dir, text: TEXT, maxTokens: 2048, topK: 5, positionTopK: 5 }, never);
    assert.deepEqual(lens.tokens.map((t) => t.id), next.tokens.map((t) => t.id));
    const T = lens.positions;
    const L = lens.layers.length;
    assert.equal(L, layers + 1, 'embed, each later block’s input, and the output');
    assert.equal(lens.layers[L - 1], 'ln_final (output)');
    assert.equal(lens.topIds.length, L * T * 5);
    // last position: compare the whole top-5 with the engine's own next-token candidates
    const last = ((L - 1) * T + (T - 1)) * 5;
    for (let j = 0; j < 5; j++) {
      assert.equal(lens.topIds[last + j], next.next[j].id, `rank ${j} id`);
      assert.ok(Math.abs(lens.topProbs[last + j] - next.next[j].prob) <= 1e-4, `rank ${j}: ${lens.topProbs[last + j]} vs ${next.next[j].prob}`);
    }
    // every position: top-1 of the output row against lm/position's distribution
    for (let p = 0; p < T; p++) {
      const pos = await engine['lm/position']({ runId: next.runId, position: p, topK: 1 }, never);
      const at: number = ((L - 1) * T + p) * 5;
      assert.equal(lens.topIds[at], pos.top[0].id, `position ${p}`);
      assert.ok(Math.abs(lens.topProbs[at] - pos.top[0].prob) <= 1e-4, `position ${p}: ${lens.topProbs[at]} vs ${pos.top[0].prob}`);
      assert.equal(lens.klToFinal[(L - 1) * T + p], 0);
    }
    for (const kl of lens.klToFinal) assert.ok(kl >= 0 && Number.isFinite(kl));
    for (const id of lens.topIds) assert.equal(typeof lens.tokenTexts[id], 'string');
  });
}

test('code-lm: lens/target traces the rank and probability of a token across layers', { skip }, async () => {
  const lens = await engine['lens/get']({ model: CODE_LM, text: TEXT, maxTokens: 2048, topK: 3 }, never);
  const T = lens.positions;
  const L = lens.layers.length;
  const p = T - 1;
  const topOut = lens.topIds[((L - 1) * T + p) * 3];
  const byId = await engine['lens/target']({ runId: lens.runId, position: p, target: topOut }, never);
  assert.equal(byId.targetId, topOut);
  assert.equal(byId.ranks.length, L);
  assert.equal(byId.ranks[L - 1], 1, 'the output row’s top token has rank 1 at the output');
  assert.ok(Math.abs(byId.probs[L - 1] - lens.topProbs[((L - 1) * T + p) * 3]) < 1e-6);
  for (let l = 0; l < L; l++) {
    // a row's own top-1 must have rank 1 there too
    const top = lens.topIds[(l * T + p) * 3];
    const t = await engine['lens/target']({ runId: lens.runId, position: p, target: top }, never);
    assert.equal(t.ranks[l], 1, `layer ${l}`);
  }
  const byText = await engine['lens/target']({ runId: lens.runId, position: p, target: byId.targetText }, never);
  assert.equal(byText.targetId, topOut, 'token text round-trips to its id');
  assert.deepEqual(byText.pieces, [{ id: topOut, text: byId.targetText }], 'one token: one piece');
  // a text of several tokens is traced by its first piece, and the pieces say so
  const several = await engine['lens/target']({ runId: lens.runId, position: p, target: 'notarealtoken_zzz' }, never);
  assert.deepEqual(several.pieces.map((x) => x.text).join(''), 'notarealtoken_zzz', 'the pieces spell the typed text');
  assert.ok(several.pieces.length > 1, `${several.pieces.length} pieces`);
  assert.equal(several.targetId, several.pieces[0].id, 'the first piece is the one traced');
  assert.equal(several.targetText, several.pieces[0].text);
  const note = lensTargetNote('notarealtoken_zzz', several.pieces) ?? '';
  assert.match(note, new RegExp(`^"notarealtoken_zzz" is ${several.pieces.length} tokens \\(“not” “are”.*traces the first, “not” \\(id ${several.targetId}\\)\\.$`));
  assert.equal(lensTargetNote(byId.targetText, byText.pieces), null, 'no note for a single token');
  await assert.rejects(async () => engine['lens/target']({ runId: lens.runId, position: T, target: 1 }, never), /outside/);
  await assert.rejects(async () => engine['lens/target']({ runId: 'gone', position: 0, target: 1 }, never), /no longer/);
});

test('code-lm: lens rows match the lens applied to the PyTorch reference residuals', { skip: !existsSync(join(CODE_LM, 'reference.json')) && 'no reference' }, async () => {
  interface Ref { inputs: { text: string; ids: number[] }[]; activations: Record<string, { shape: number[]; data: number[] }> }
  const ref = JSON.parse(readFileSync(join(CODE_LM, 'reference.json'), 'utf8')) as Ref;
  const input = ref.inputs[0];
  const lens = await engine['lens/get']({ model: CODE_LM, text: input.text, maxTokens: 4096, topK: 1 }, never);
  assert.deepEqual(lens.tokens.map((t) => t.id), input.ids);
  const params = await findLensParams(join(CODE_LM, 'onnx', 'model.onnx'));
  const T = input.ids.length;
  const d = params.unembed.dModel;
  const V = params.unembed.vocab;
  for (let l = 0; l < lens.layers.length - 1; l++) {
    const resid = ref.activations[`blocks.${l}.hook_resid_pre`];
    assert.ok(resid, `reference has blocks.${l}.hook_resid_pre`);
    const logits = unembed(applyFinalNorm(Float32Array.from(resid.data), d, params.norm), params.unembed); // [pos, vocab]
    for (let p = 0; p < T; p++) {
      const lp = logSoftmax(logits.subarray(p * V, (p + 1) * V));
      const got = lens.topIds[l * T + p];
      assert.ok(Math.abs(Math.exp(lp[got]) - lens.topProbs[l * T + p]) <= 1e-4, `layer ${l} position ${p}`);
    }
  }
});

test('CLI: lens --target with a text of several tokens says which piece it traces', { skip: (skip || (!existsSync(join(ROOT, 'dist', 'cli.js')) && 'dist/cli.js not built')) as string | false }, () => {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'lens', '--model', CODE_LM, '--target', 'notarealtoken_zzz', 'def f(x):'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^note: "notarealtoken_zzz" is \d+ tokens \(“not” “are”.*traces the first, “not” \(id \d+\)\.$/m);
  assert.match(r.stdout, /target "not" \(id \d+\)/);
  const single = spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'lens', '--model', CODE_LM, '--target', ' return', 'def f(x):'], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(single.status, 0, single.stderr);
  assert.doesNotMatch(single.stderr, /tokens \(/, 'a single token needs no note');
});
