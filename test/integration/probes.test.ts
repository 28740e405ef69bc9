// Probes end to end on the bundled code LM: the CLI's JSON contract, a builtin task that beats
// its control, a sequence-level dataset, identical figures from one seed, bad input in one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CODE_LM, ROOT, builtEnginePath } from '../helpers/paths';
import { runCli } from '../helpers/cli';

const skip = !existsSync(join(CODE_LM, 'onnx', 'model.onnx')) && 'code-lm not built';
builtEnginePath(); // builds dist/ (the CLI) when this file runs alone
const dir = mkdtempSync(join(tmpdir(), 'tl-probes-'));
const LONG = { timeoutMs: 300_000 };

interface ProbeJson {
  model: string; dataset: string; task: string; labels: string[]; counts: Record<string, number>; majorityBaseline: number;
  layers: { layer: number; hook: string; accuracy: number; controlAccuracy: number; selectivity: number; macroF1: number }[];
}

test('builtin:category on the project\'s own code: the exact JSON, every layer, beats its control, same seed same figures', { skip }, async () => {
  const args = ['probe', '--dataset', 'builtin:category', '--files', 'src/engine/analyses/*.ts', '--seed', '7', '--json'];
  const [a, b] = [await runCli(args, LONG), await runCli(args, LONG)];
  assert.equal(a.code, 0, a.stderr);
  assert.equal(a.stdout.toString(), b.stdout.toString(), 'two runs with one seed print identical figures');
  const r = JSON.parse(a.stdout.toString()) as ProbeJson;
  assert.deepEqual(Object.keys(r), ['model', 'dataset', 'task', 'labels', 'counts', 'majorityBaseline', 'layers']);
  assert.equal(r.model, 'tensorloupe-code-lm');
  assert.equal(r.dataset, 'builtin:category');
  assert.equal(r.task, 'token');
  assert.deepEqual(r.labels, ['comment', 'identifier', 'keyword', 'number', 'operator', 'punctuation', 'string', 'whitespace']);
  assert.deepEqual(Object.keys(r.counts), r.labels);
  assert.deepEqual(r.layers.map((l) => [l.layer, l.hook]), [[0, 'blocks.0.hook_resid_pre'], [1, 'blocks.0.hook_resid_post'], [2, 'blocks.1.hook_resid_post'], [3, 'blocks.2.hook_resid_post'], [4, 'blocks.3.hook_resid_post']]);
  for (const l of r.layers) {
    assert.deepEqual(Object.keys(l), ['layer', 'hook', 'accuracy', 'controlAccuracy', 'selectivity', 'macroF1']);
    assert.ok(Math.abs(l.selectivity - (l.accuracy - l.controlAccuracy)) <= 1e-12);
    assert.ok(l.accuracy > r.majorityBaseline, `layer ${l.layer}: ${l.accuracy} vs majority ${r.majorityBaseline}`);
  }
  const best = Math.max(...r.layers.map((l) => l.selectivity));
  assert.ok(best >= 0.05, `the best layer beats its control by ${best}`);
  // a different seed is a different split and control: different figures
  const c = await runCli(args.map((v) => (v === '7' ? '8' : v)), LONG);
  assert.notEqual(c.stdout.toString(), a.stdout.toString());
});

test('a sequence-level JSONL: the language of a snippet is read from its pooled states; one layer alone', { skip }, async () => {
  const run = await runCli(['probe', '--dataset', join(ROOT, 'test', 'fixtures', 'probes', 'languages.jsonl'), '--layer', '3', '--pool', 'last', '--json'], LONG);
  assert.equal(run.code, 0, run.stderr);
  const r = JSON.parse(run.stdout.toString()) as ProbeJson;
  assert.equal(r.task, 'sequence');
  assert.deepEqual(r.counts, { python: 15, typescript: 15 });
  assert.deepEqual(r.layers.map((l) => l.layer), [3]);
  assert.ok(r.layers[0].accuracy >= 0.9, `accuracy ${r.layers[0].accuracy}`);
  const table = await runCli(['probe', '--dataset', join(ROOT, 'test', 'fixtures', 'probes', 'languages.jsonl'), '--layer', '0'], LONG);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout.toString(), /majority baseline/);
  assert.match(table.stdout.toString(), /^0 +blocks\.0\.hook_resid_pre +\d/m);
});

test('bad probe input: one line, exit 1, naming the file or option', { skip }, async () => {
  const oneClass = join(dir, 'one.jsonl');
  writeFileSync(oneClass, '{"text": "a", "label": "x"}\n{"text": "b", "label": "x"}\n');
  const cases: [string[], RegExp][] = [
    [['probe', '--dataset', oneClass], /one\.jsonl has only one class \("x"\)/],
    [['probe', '--dataset', 'builtin:category', '--files', 'src/engine/analyses/*.ts', '--layer', '9'], /--layer 9 is out of range: tensorloupe-code-lm has layers 0 \(embedding\) to 4/],
    [['probe', '--dataset', 'builtin:category'], /builtin:category needs --files GLOB/],
    [['probe', '--dataset', 'builtin:tokens', '--files', 'x'], /--dataset builtin:tokens is not a builtin task/],
    [['probe', '--dataset', 'builtin:depth', '--files', 'no/such/*.ts'], /builtin:depth needs TypeScript or JavaScript files/],
    [['probe'], /probe needs --dataset/],
    [['probe', '--dataset', join(ROOT, 'test', 'fixtures', 'probes', 'languages.jsonl'), '--pool', 'max'], /--pool must be mean or last/],
    [['probe', '--dataset', join(dir, 'missing.csv')], /missing\.csv does not exist/],
  ];
  for (const [args, pattern] of cases) {
    const r = await runCli(args, LONG);
    assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
});
