// The projector's colourings, computed in the engine: token categories from the probes' built-in
// tagger (resid points of a TS file labelled as builtin:category labels those tokens, the
// vocabulary's tokens by their own text, other languages left out), and a probe's predictions on
// the projected hidden states (the last trained probe and a saved file agree with probe/apply on
// the same text; the wrong layer, an old projection and the embedding matrix are refused).
// Also probe/preview: the counts probe/train will train on, before any forward pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngineHandlers } from '../../src/engine/engineHandlers';
import { CATEGORY_LABELS, labelSpans } from '../../src/engine/features/probes/builtinTasks';
import { CODE_LM, ROOT } from '../helpers/paths';

const never = { cancelled: false, onCancel: () => undefined };
const skip = !existsSync(join(CODE_LM, 'onnx', 'model.onnx')) && 'code-lm not built';
const dir = mkdtempSync(join(tmpdir(), 'tl-projector-labels-'));
const engine = createEngineHandlers({ provider: 'cpu', threads: 1, cacheDir: dir });
const files = ['classificationMetrics', 'headStats', 'induction', 'logisticRegression', 'standardise'].map((name) => join(ROOT, 'src', 'engine', 'analyses', `${name}.ts`));
const TS = readFileSync(join(ROOT, 'test', 'fixtures', 'workspace', 'tokenize.ts'), 'utf8');
const PY = readFileSync(join(ROOT, 'test', 'fixtures', 'workspace', 'stats.py'), 'utf8').slice(0, 400);

/** the category builtin:category gives the token at [start, end): the label under its first non-space character */
function scannerCategory(text: string, start: number, end: number): string | undefined {
  let c = start;
  while (c < end - 1 && /\s/.test(text[c])) c++;
  return labelSpans('builtin:category', text).find((s) => s.start <= c && c < s.end)?.label;
}

test('resid points of a TS file carry the scanner’s category of their token; a Python text’s carry none', { skip }, async () => {
  const r = await engine['projector/project']({ model: CODE_LM, source: 'resid', layer: 1, texts: [{ text: TS, file: 'tokenize.ts' }, { text: PY, file: 'stats.py' }], method: 'pca', seed: 0 }, never);
  assert.ok(r.projectionId, 'a resid projection keeps its states for the probe colouring');
  const ts = r.points.filter((p) => p.file === 'tokenize.ts');
  const py = r.points.filter((p) => p.file === 'stats.py');
  assert.ok(ts.length > 200 && py.length > 50);
  assert.equal(py.filter((p) => p.category !== undefined).length, 0);
  // rebuild each TS point's offsets: the tokens of one text come in order, so their texts concatenate to it
  let at = 0;
  let checked = 0;
  const seen = new Set<string>();
  for (const p of ts) {
    if (!TS.startsWith(p.text, at)) continue; // a token the tokenizer added (it has no category)
    const want = scannerCategory(TS, at, at + p.text.length);
    assert.equal(p.category, want, `${JSON.stringify(p.text)} at ${at}`);
    seen.add(String(p.category));
    at += p.text.length;
    checked++;
  }
  assert.equal(at, TS.length, 'every character of the file was a point’s');
  assert.ok(checked > 200);
  for (const c of ['keyword', 'identifier', 'string', 'number', 'comment', 'operator', 'punctuation']) assert.ok(seen.has(c), `the file has ${c} tokens`);
});

test('vocabulary points: a token’s category from its own text', { skip }, async () => {
  const r = await engine['projector/project']({ model: CODE_LM, source: 'embeddings', method: 'pca', seed: 0 }, never);
  assert.equal(r.projectionId, undefined, 'the embedding matrix has no hidden states to keep');
  const byText = new Map(r.points.map((p) => [p.text, p.category]));
  assert.equal(byText.get('def'), 'identifier'); // not a TS keyword
  assert.equal(byText.get(' return'), 'keyword');
  assert.equal(byText.get('1'), 'number');
  assert.equal(byText.get('('), 'punctuation');
  assert.equal(byText.get(' ='), 'operator');
  for (const p of r.points) if (p.category !== undefined) assert.ok((CATEGORY_LABELS as readonly string[]).includes(p.category), p.category);
});

test('probe/preview counts what probe/train trains on; probe predictions on projected points agree with probe/apply', { skip }, async () => {
  const preview = await engine['probe/preview']({ model: CODE_LM, dataset: 'builtin:category', files }, never);
  const run = await engine['probe/train']({ model: CODE_LM, dataset: 'builtin:category', files, layer: 3, pool: 'mean', seed: 1 }, never);
  assert.deepEqual(preview.counts, run.counts);
  assert.deepEqual(preview.labels, run.labels);
  assert.equal(preview.texts, run.texts);
  assert.equal(preview.examples, run.split.train + run.split.validation + run.split.test);
  assert.equal(preview.files, files.length);
  assert.ok(preview.tokens >= preview.examples);
  assert.equal(preview.datasetSha256, run.datasetSha256);

  // layer 3 of a probe is blocks.2.hook_resid_post: the projector's layer 2
  const text = TS.slice(0, 700);
  const r = await engine['projector/project']({ model: CODE_LM, source: 'resid', layer: 2, texts: [{ text, file: 'snippet.ts' }], method: 'pca', seed: 0 }, never);
  const latest = await engine['projector/predict']({ projectionId: r.projectionId!, probe: { latest: true } }, never);
  assert.equal(latest.hook, 'blocks.2.hook_resid_post');
  assert.equal(latest.label.length, r.points.length);
  const out = join(dir, 'probe.json');
  await engine['probe/save']({ runId: run.runId, layer: 3, out }, never);
  const saved = await engine['projector/predict']({ projectionId: r.projectionId!, probe: { file: out } }, never);
  assert.deepEqual(saved.label, latest.label);
  const applied = await engine['probe/apply']({ model: CODE_LM, probe: out, text, maxTokens: 2048 }, never);
  const ours = r.points.map((p, i) => ({ p, i })).filter(({ p }) => p.category !== undefined);
  assert.equal(ours.length, applied.tokens.length);
  const agree = ours.filter(({ p, i }) => latest.labels[latest.label[i]] === p.category).length;
  assert.ok(agree / ours.length >= 0.7, `the probe agrees with the scanner on ${agree} of ${ours.length} points`);
  ours.forEach(({ i }, j) => {
    assert.equal(latest.labels[latest.label[i]], applied.tokens[j].label, `token ${j}`);
    assert.ok(Math.abs(latest.confidence[i] - applied.tokens[j].confidence) < 1e-4, `confidence ${j}`);
  });

  // the wrong layer: one line saying which layer to project
  const other = await engine['projector/project']({ model: CODE_LM, source: 'resid', layer: 1, texts: [{ text, file: 'snippet.ts' }], method: 'pca', seed: 0 }, never);
  await assert.rejects(async () => engine['projector/predict']({ projectionId: other.projectionId!, probe: { file: out } }, never), /reads blocks\.2\.hook_resid_post \(probe layer 3\) but these points are blocks\.1\.hook_resid_post: project layer 2/);
  await assert.rejects(async () => engine['projector/predict']({ projectionId: other.projectionId!, probe: { latest: true } }, never), /last trained probe has no layer 2 \(it trained 3\)/);
  await assert.rejects(async () => engine['projector/predict']({ projectionId: 'gone', probe: { latest: true } }, never), /no longer kept/);
});

test('probe/preview refuses what training would, before the model runs', { skip }, async () => {
  const one = join(dir, 'one.jsonl');
  writeFileSync(one, '{"text": "a = 1", "label": "x"}\n{"text": "b = 2", "label": "x"}\n');
  await assert.rejects(async () => engine['probe/preview']({ model: CODE_LM, dataset: one, files: [] }, never), /one.jsonl has only one class \("x"\); a probe needs at least two labels/);
  await assert.rejects(async () => engine['probe/preview']({ model: CODE_LM, dataset: 'builtin:nothing', files: [] }, never), /not a builtin task/);
});
