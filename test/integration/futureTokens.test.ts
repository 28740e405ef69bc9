// Future-token probes on the bundled code LM over a small corpus (seven of its held-out files):
// the CLI's exact JSON, a full layer × k grid, k = 1 at the last layer in the ballpark of the
// model's own next-token top-1 (what the logit lens reads at the last layer), figures that repeat
// with the seed (the k = 1 cells do not depend on how far ahead the run looks), and the selection view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CODE_LM, ROOT, builtEnginePath } from '../helpers/paths';
import { runCli } from '../helpers/cli';
import { createEngineHandlers } from '../../src/engine/engineHandlers';
import { expandGlob } from '../../src/cli/expandGlob';

const skip = !existsSync(join(CODE_LM, 'onnx', 'model.onnx')) && 'code-lm not built';
builtEnginePath(); // builds dist/ (the CLI) when this file runs alone
// the bundled LM's own held-out files (models/train/corpus_manifest.json, split eval): text of the kind it was trained on
const GLOB = 'node_modules/typescript/lib/{lib.dom.iterable,lib.es2015.generator,lib.es2017.intl,lib.es2020.number,lib.es2022.full,lib.es2024.arraybuffer,lib.esnext.iterator}.d.ts';
const signal = { cancelled: false, onCancel: () => undefined };

interface FutureJson { model: string; layers: { layer: number; k: number; top1: number; top5: number; ngramTop1: number }[] }

test('tensorloupe future: the exact JSON, a layer × k grid, k = 1 near the model\'s own top-1, repeatable with the seed', { skip }, async () => {
  const run = await runCli(['future', '--corpus', GLOB, '--k', '2', '--seed', '3', '--json'], { timeoutMs: 600_000 });
  assert.equal(run.code, 0, run.stderr);
  const r = JSON.parse(run.stdout.toString()) as FutureJson;
  assert.deepEqual(Object.keys(r), ['model', 'layers']);
  assert.equal(r.model, 'tensorloupe-code-lm');
  const nLayers = 4;
  assert.equal(r.layers.length, (nLayers + 1) * 2, 'every layer (embedding + 4 resid_post) × k = 1, 2');
  for (const c of r.layers) {
    assert.deepEqual(Object.keys(c), ['layer', 'k', 'top1', 'top5', 'ngramTop1']);
    for (const v of [c.top1, c.top5, c.ngramTop1]) assert.ok(v >= 0 && v <= 1, JSON.stringify(c));
    assert.ok(c.top5 >= c.top1, JSON.stringify(c));
  }
  assert.deepEqual(r.layers.map((c) => `${c.layer}:${c.k}`), [0, 1, 2, 3, 4].flatMap((l) => [`${l}:1`, `${l}:2`]));
  const at = (layer: number, k: number) => r.layers.find((c) => c.layer === layer && c.k === k) as FutureJson['layers'][0];
  assert.ok(at(nLayers, 1).top1 > at(nLayers, 2).top1, 'the next token is easier than the one after');
  assert.ok(at(nLayers, 1).top1 >= at(0, 1).top1, 'the last layer reads the next token at least as well as the embedding');

  // the model's own next-token top-1 over the same files (the logit lens at the last layer)
  const engine = createEngineHandlers({ provider: 'cpu', threads: 1 });
  const files = expandGlob(GLOB, ROOT);
  let hits = 0;
  let count = 0;
  for (const f of files) {
    const s = await engine['lm/surprisal']({ model: CODE_LM, text: readFileSync(f, 'utf8'), maxTokens: 32_768, alternatives: 0 }, signal);
    for (const t of s.tokens) {
      count++;
      if (t.rank === 1) hits++;
    }
  }
  const modelTop1 = hits / count;
  const probeTop1 = at(nLayers, 1).top1;
  assert.ok(probeTop1 > 0.5 * modelTop1 && probeTop1 < modelTop1 + 0.1, `probe top-1 at t+1 ${probeTop1.toFixed(3)} vs the model's own ${modelTop1.toFixed(3)}`);

  // the same seed, looking one step ahead only: the k = 1 cells are the same figures
  const again = await engine['future/train']({ model: CODE_LM, files, k: 1, seed: 3 }, signal);
  assert.deepEqual(again.layers.map((c) => [c.layer, c.top1, c.top5, c.ngramTop1]), r.layers.filter((c) => c.k === 1).map((c) => [c.layer, c.top1, c.top5, c.ngramTop1]));
  // the token embedding alone does not know the next token (reading the current one instead would be right on
  // every covered target: top-1 = coverage), and the model's own layers add to it
  assert.ok(again.layers[0].top1 < 0.8 * again.coverage, `embedding top-1 ${again.layers[0].top1.toFixed(3)} vs coverage ${again.coverage.toFixed(3)}`);
  assert.ok(again.layers[nLayers].top1 > again.layers[0].top1 + 0.03, 'the last layer reads the next token better than the embedding');
  // the selection view: every position, a guess for t + 2 at k = 2's best layer... here K = 1, so none
  const view = await engine['future/apply']({ runId: again.runId, text: 'def f(x):\n    return x\n', maxTokens: 64 }, signal);
  assert.ok(view.positions.length > 3 && view.positions.every((p) => p.ahead.length === 0));
});

test('tensorloupe future: bad input in one line', { skip }, async () => {
  const none = await runCli(['future', '--corpus', 'no/such/dir/*.ts']);
  assert.notEqual(none.code, 0);
  assert.match(none.stderr.trim(), /--corpus no\/such\/dir\/\*\.ts matched no files/);
  assert.equal(none.stderr.trim().split('\n').length, 1);
  const k = await runCli(['future', '--corpus', GLOB, '--k', '9']);
  assert.match(k.stderr, /--k must be a whole number from 1 to 8/);
});
