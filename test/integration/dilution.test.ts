// Attention dilution through the engine API: the default plan, shapes, ranges, and one value
// recomputed by hand from the attention map of the full selection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngineHandlers } from '../../src/engine/engineHandlers';
import { dilutionLengths } from '../../src/engine/features/dilution/dilutionPlan';
import { CODE_LM } from '../helpers/paths';

const never = { cancelled: false, onCancel: () => undefined };
const engine = createEngineHandlers({ provider: 'cpu', threads: 1, cacheDir: mkdtempSync(join(tmpdir(), 'tl-dil-')) });
const skip = !existsSync(join(CODE_LM, 'onnx', 'model.onnx')) && 'code-lm not built';
const TEXT = Array.from({ length: 12 }, (_, i) => `def f${i}(x):\n    return x * ${i}\n`).join('\n');

test('dilution plan: powers of two from 4 below the length, then the length', () => {
  assert.deepEqual(dilutionLengths(100), [4, 8, 16, 32, 64, 100]);
  assert.deepEqual(dilutionLengths(64), [4, 8, 16, 32, 64]);
  assert.deepEqual(dilutionLengths(3), [3]);
  assert.deepEqual(dilutionLengths(0), []);
});

test('code-lm: entropy ratio, first-token mass and residual cosine per length and layer', { skip }, async () => {
  const r = await engine['dilution/get']({ model: CODE_LM, text: TEXT, maxTokens: 2048, lengths: [] }, never);
  assert.ok(r.totalTokens && r.totalTokens > 64, `${r.totalTokens} tokens`);
  assert.deepEqual(r.lengths, dilutionLengths(r.totalTokens));
  const n = r.lengths.length * r.nLayers;
  for (const a of [r.entropyRatio, r.firstTokenMass, r.residCosine]) assert.equal(a.length, n);
  for (const v of r.entropyRatio) assert.ok(v >= 0 && v <= 1 + 1e-6, `entropy ratio ${v}`);
  for (const v of r.firstTokenMass) assert.ok(v >= 0 && v <= 1 + 1e-6, `first-token mass ${v}`);
  for (const v of r.residCosine) assert.ok(v >= -1 - 1e-6 && v <= 1 + 1e-6, `cosine ${v}`);
  // a prefix asked on its own gives the same numbers as inside the sweep (causal model)
  const one = await engine['dilution/get']({ model: CODE_LM, text: TEXT, maxTokens: 2048, lengths: [16] }, never);
  const i = r.lengths.indexOf(16);
  for (let l = 0; l < r.nLayers; l++) {
    assert.ok(Math.abs(one.entropyRatio[l] - r.entropyRatio[i * r.nLayers + l]) < 1e-5);
    assert.ok(Math.abs(one.residCosine[l] - r.residCosine[i * r.nLayers + l]) < 1e-5);
  }
  // first-token mass at the full length equals the attention summary's per-head sink score, averaged
  const s = await engine['attention/summary']({ model: CODE_LM, text: TEXT, maxTokens: 2048 }, never);
  const last = r.lengths.length - 1;
  for (let l = 0; l < r.nLayers; l++) {
    const heads = s.stats.filter((h) => h.layer === l);
    const mean = heads.reduce((a, h) => a + h.firstToken, 0) / heads.length;
    assert.ok(Math.abs(mean - r.firstTokenMass[last * r.nLayers + l]) < 1e-4, `layer ${l}: ${mean} vs ${r.firstTokenMass[last * r.nLayers + l]}`);
  }
  await assert.rejects(async () => engine['dilution/get']({ model: CODE_LM, text: TEXT, maxTokens: 2048, lengths: [100000] }, never), /outside/);
});

test('code-lm: a cancelled sweep stops with Cancelled', { skip }, async () => {
  const cancelled = { cancelled: true, onCancel: () => undefined };
  await assert.rejects(async () => engine['dilution/get']({ model: CODE_LM, text: TEXT, maxTokens: 2048, lengths: [] }, cancelled), { code: 'Cancelled' });
});

test('code-lm: a selection longer than maxTokens measures its last tokens and says so (truncation)', { skip }, async () => {
  const r = await engine['dilution/get']({ model: CODE_LM, text: TEXT, maxTokens: 20, lengths: [], planIndex: 0 }, never);
  assert.equal(r.totalTokens, 20, 'the fitted selection is maxTokens long');
  assert.deepEqual(r.plan, dilutionLengths(20));
  assert.ok(r.truncation && r.truncation.droppedTokens > 0, JSON.stringify(r.truncation));
  assert.match(r.truncation.reason, /the model read only the last 19 \(limit 20\)/);
  const whole = await engine['dilution/get']({ model: CODE_LM, text: TEXT, maxTokens: 2048, lengths: [], planIndex: 0 }, never);
  assert.equal(whole.truncation, null, 'no notice when the selection fits');
});
