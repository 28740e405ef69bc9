/** tensorloupe ablate / patch / attribute as a user runs them (dist/cli.js in its own process): the
 * --json shapes the issue names, exactly, and one-line errors for prompts of different lengths and
 * for an unknown head. The numbers themselves are checked against PyTorch in
 * test/acceptance/interventions.test.ts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtEnginePath, ROOT } from '../helpers/paths';

builtEnginePath(); // builds dist/ when this file runs on its own
const cache = mkdtempSync(join(tmpdir(), 'tl-iv-cli-'));
const cli = (args: string[]) => spawnSync(process.execPath, [join(ROOT, 'dist', 'cli.js'), ...args], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cache } });

test('ablate --json: exactly the documented fields, losses in nats, top-k after the last token', () => {
  const r = cli(['ablate', '--heads', '1.0,2.3', '--mode', 'mean', '--top-k', '3', '--json', 'def add(a, b):\n    return a + b']);
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(j), ['model', 'tokens', 'heads', 'mode', 'next', 'clean', 'lossClean', 'lossAblated']);
  assert.deepEqual(j.heads, [{ layer: 1, head: 0 }, { layer: 2, head: 3 }]);
  assert.equal(j.mode, 'mean');
  assert.equal(j.next.length, 3);
  assert.deepEqual(Object.keys(j.next[0]), ['id', 'text', 'prob', 'logit']);
  assert.deepEqual(Object.keys(j.clean), ['next']);
  assert.ok(j.lossClean > 0 && j.lossAblated > 0 && j.lossAblated !== j.lossClean);
});

test('patch --json and attribute --json: the documented fields; the components add up to the logit', () => {
  const p = cli(['patch', '--clean', 'x = foo(1)\ny = foo', '--corrupt', 'x = bar(1)\ny = bar', '--answer', '(', '--wrong', ' =', '--hook', 'z', '--json']);
  assert.equal(p.status, 0, p.stderr);
  const j = JSON.parse(p.stdout);
  assert.deepEqual(Object.keys(j), ['model', 'hook', 'clean', 'corrupt', 'results']);
  assert.equal(j.results.length, 16, '4 layers × 4 heads');
  assert.deepEqual(Object.keys(j.results[0]), ['layer', 'head', 'logitDiff', 'normalized']);
  const a = cli(['attribute', '--target', ' +', '--vs', '#11', '--json', 'def add(a, b):\n    return a']);
  assert.equal(a.status, 0, a.stderr);
  const k = JSON.parse(a.stdout);
  assert.deepEqual(Object.keys(k), ['model', 'target', 'vs', 'logit', 'components', 'sum']);
  assert.deepEqual(k.vs, { id: 11, text: '\n' });
  assert.ok(k.components.some((c: { name: string }) => c.name === 'blocks.3.attn.hook_result.2') && k.components.some((c: { name: string }) => c.name === 'pos_embed'));
  assert.ok(Math.abs(k.sum - k.logit) < 1e-4, `${k.sum} vs ${k.logit}`);
});

test('patch refuses prompts of different lengths, ablate an unknown head: one line each', () => {
  const p = cli(['patch', '--clean', 'a b', '--corrupt', 'a b c', '--answer', 'x', '--wrong', 'y']);
  assert.equal(p.status, 1);
  assert.match(p.stderr.trim(), /^tensorloupe: .*same length in tokens[^\n]*$/);
  const a = cli(['ablate', '--heads', '9.0', 'x = 1']);
  assert.equal(a.status, 1);
  assert.match(a.stderr.trim(), /^tensorloupe: .*Head 9\.0 does not exist[^\n]*$/);
});
