// Save Probe and Apply Probe through the engine: the saved file holds what the issue lists, and
// applying it labels a new text's tokens the way the scanner does, mostly; wrong files are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngineHandlers } from '../../src/engine/engineHandlers';
import { labelSpans } from '../../src/engine/features/probes/builtinTasks';
import { CODE_LM, ROOT } from '../helpers/paths';
import type { SavedProbe } from '../../src/protocol/probes';

const never = { cancelled: false, onCancel: () => undefined };
const skip = !existsSync(join(CODE_LM, 'onnx', 'model.onnx')) && 'code-lm not built';
const dir = mkdtempSync(join(tmpdir(), 'tl-probe-apply-'));
const engine = createEngineHandlers({ provider: 'cpu', threads: 1, cacheDir: dir });
// A fixed list, not a glob: a glob over the source tree changes the training data (and the figures)
// whenever a file is added there.
const TRAINING_FILES = ['classificationMetrics', 'dilution', 'headStats', 'induction', 'logisticRegression', 'logitLens', 'quantize', 'standardise'];
const files = TRAINING_FILES.map((name) => join(ROOT, 'src', 'engine', 'analyses', `${name}.ts`));
const SNIPPET = 'export function area(width: number, height: number): number {\n  // the product\n  return width * height + 0.5;\n}\n';

test('a trained layer saves as JSON and, applied to new code, labels most tokens as the scanner does', { skip }, async () => {
  const run = await engine['probe/train']({ model: CODE_LM, dataset: 'builtin:category', files, layer: 3, pool: 'mean', seed: 1 }, never);
  const out = join(dir, 'category.json');
  await engine['probe/save']({ runId: run.runId, layer: 3, out }, never);
  const saved = JSON.parse(readFileSync(out, 'utf8')) as SavedProbe;
  assert.equal(saved.format, 'tensorloupe-probe');
  assert.equal(saved.layer, 3);
  assert.equal(saved.hook, 'blocks.2.hook_resid_post');
  assert.deepEqual(saved.labels, run.labels);
  assert.equal(saved.modelSha256, run.modelSha256);
  assert.equal(saved.datasetSha256, run.datasetSha256);
  assert.match(saved.datasetSha256, /^[0-9a-f]{64}$/);
  assert.equal(saved.weights.length, run.labels.length);
  assert.equal(saved.weights[0].length, 128);
  assert.equal(saved.standardisation.mean.length, 128);
  assert.equal(saved.accuracy, run.layers[0].accuracy);

  const applied = await engine['probe/apply']({ model: CODE_LM, probe: out, text: SNIPPET, maxTokens: 2048 }, never);
  assert.ok(applied.tokens.length > 10);
  const spans = labelSpans('builtin:category', SNIPPET);
  let agree = 0;
  for (const t of applied.tokens) {
    assert.ok(t.confidence > 0 && t.confidence <= 1 && t.confidence >= 1 / saved.labels.length - 1e-6);
    let c = t.start;
    while (c < t.end - 1 && /\s/.test(SNIPPET[c])) c++;
    if (spans.find((s) => s.start <= c && c < s.end)?.label === t.label) agree++;
  }
  assert.ok(agree / applied.tokens.length >= 0.7, `agrees with the scanner on ${agree} of ${applied.tokens.length}`);

  await assert.rejects(async () => engine['probe/save']({ runId: 'gone', layer: 3, out }, never), /no longer kept/);
  await assert.rejects(async () => engine['probe/save']({ runId: run.runId, layer: 1, out }, never), /Layer 1 was not trained in this run \(it has 3\)/);
  await assert.rejects(async () => engine['probe/save']({ runId: run.runId, layer: 3, out: join(dir, 'x.txt') }, never), /must end in \.json/);
  const attn2 = join(ROOT, 'models', 'tensorloupe-attn2');
  if (existsSync(join(attn2, 'onnx', 'model.onnx'))) {
    await assert.rejects(async () => engine['probe/apply']({ model: attn2, probe: out, text: 'x', maxTokens: 64 }, never), /was trained on tensorloupe-code-lm .* not on tensorloupe-attn2/);
  }
  const damaged = join(dir, 'damaged.json');
  writeFileSync(damaged, JSON.stringify({ ...saved, bias: saved.bias.slice(1) }));
  await assert.rejects(async () => engine['probe/apply']({ model: CODE_LM, probe: damaged, text: 'x', maxTokens: 64 }, never), /damaged\.json is a damaged probe file/);
  writeFileSync(damaged, 'not json');
  await assert.rejects(async () => engine['probe/apply']({ model: CODE_LM, probe: damaged, text: 'x', maxTokens: 64 }, never), /is not a saved probe \(not JSON\)/);
});

test('a cancelled probe/train stops with Cancelled and the engine still trains the next one', { skip }, async () => {
  const cancelled = { cancelled: true, onCancel: () => undefined };
  await assert.rejects(async () => engine['probe/train']({ model: CODE_LM, dataset: 'builtin:depth', files, layer: 'all', pool: 'mean', seed: 0 }, cancelled), (e: Error & { code?: string }) => e.code === 'Cancelled');
  const r = await engine['probe/train']({ model: CODE_LM, dataset: 'builtin:depth', files, layer: 0, pool: 'mean', seed: 0 }, never);
  assert.deepEqual(r.layers.map((l) => l.layer), [0]);
});
