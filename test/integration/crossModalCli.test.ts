// tensorloupe crossmap end to end (dist/cli.js, a real process): --json prints the result with its
// documented field names; bad input (a text model as --from, an unknown model, a missing pairs
// file, a bad JSONL line) exits 1 with one line on stderr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtEnginePath, CODE_LM, ROOT } from '../helpers/paths';

builtEnginePath(); // builds dist/ (cli.js with it) when this tier runs on its own
const CLI = join(ROOT, 'dist', 'cli.js');
const GLYPH = join(ROOT, 'models', 'tensorloupe-glyph-vit');
const env = { ...process.env, XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'tl-crossmap-cli-')) };
const run = (...args: string[]) => spawnSync(process.execPath, [CLI, 'crossmap', ...args], { encoding: 'utf8', env });
const dir = mkdtempSync(join(tmpdir(), 'tl-crossmap-pairs-'));

test('crossmap --json on a small JSONL of glyph pairs', () => {
  const chars = 'ABCDEFGH';
  const lines = [...chars].flatMap((c) => ['LiberationMono-Regular', 'NotoSerif-Italic'].map((font) => JSON.stringify({ image: `${GLYPH}/samples/crossmodal/${c}_${font}.png`, text: c })));
  writeFileSync(join(dir, 'pairs.jsonl'), `${lines.join('\n')}\n`);
  const p = run('--from', GLYPH, '--to', CODE_LM, '--pairs', join(dir, 'pairs.jsonl'), '--method', 'procrustes', '--seed', '3', '--json');
  assert.equal(p.status, 0, p.stderr);
  const r = JSON.parse(p.stdout) as Record<string, unknown>;
  assert.deepEqual(Object.keys(r), ['from', 'to', 'source', 'target', 'counts', 'split', 'candidates', 'chance', 'methods', 'permutations', 'layers', 'tableLayer', 'tableLayerChosenBy', 'heldOut', 'ms']);
  assert.deepEqual(r.counts, { samples: 16, classes: 8, trainClasses: 5, testClasses: 3, trainSamples: 10, testSamples: 6 });
  assert.deepEqual(r.methods, ['procrustes']);
  assert.equal((r.split as { seed: number }).seed, 3);
  const layer = (r.layers as Record<string, unknown>[])[2];
  assert.deepEqual(Object.keys(layer), ['layer', 'hook', 'label', 'procrustes', 'shuffled']);
  assert.deepEqual(Object.keys(layer.procrustes as object), ['retrievalAt1', 'retrievalAt5', 'heldOutRetrievalAt1', 'heldOutRetrievalAt5', 'cvScore', 'dims']);
  assert.deepEqual(Object.keys((layer.shuffled as Record<string, object>).procrustes), ['retrievalAt1', 'retrievalAt5', 'heldOutRetrievalAt1', 'heldOutRetrievalAt5']);
  assert.deepEqual(r.chance, { retrievalAt1: 1 / 8, retrievalAt5: 5 / 8, heldOutRetrievalAt1: 1 / 3, heldOutRetrievalAt5: 1 });
  // the human-readable table from the same run
  const t = run('--from', GLYPH, '--to', CODE_LM, '--pairs', join(dir, 'pairs.jsonl'), '--method', 'procrustes', '--seed', '3');
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stdout, /tensorloupe-glyph-vit → tensorloupe-code-lm: 16 images of 8 classes; fitted on 5, tested on 3 held out/);
  assert.match(t.stdout, /^chance\s+12\.5\s+62\.5\s+33\.3\s+100\.0/m);
});

test('crossmap refuses bad input with exit 1 and one line', () => {
  writeFileSync(join(dir, 'bad.jsonl'), `${JSON.stringify({ image: `${GLYPH}/samples/crossmodal/A_NotoSerif-Bold.png`, text: 'A' })}\n{"image": "A.png", "text": 7}\n`);
  const cases: [string[], RegExp][] = [
    [['--from', CODE_LM], /tensorloupe-code-lm is a text model; the source of a cross-modal map \(--from\)/],
    [['--from', join(ROOT, 'models', 'no-such-model')], /no-such-model does not exist/],
    [['--pairs', join(dir, 'missing.jsonl')], /missing\.jsonl does not exist/],
    [['--pairs', join(dir, 'bad.jsonl')], /bad\.jsonl:2: "text" must be non-empty text/],
    [['--method', 'pca'], /--method must be ridge, procrustes or both/],
  ];
  for (const [args, expected] of cases) {
    const p = run(...args);
    assert.equal(p.status, 1, `${args.join(' ')}: ${p.stderr}`);
    assert.match(p.stderr, expected);
    assert.equal(p.stderr.trim().split('\n').length, 1, p.stderr);
    assert.equal(p.stdout, '');
  }
});
