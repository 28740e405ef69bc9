// Workspace trust: which models wait for the user's consent in an untrusted workspace, and that no
// setting can make a session load a custom-op library.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { needsConsent } from '../../src/host/trustRules';
import { sessionOptions } from '../../src/engine/sessions';
import { ROOT } from '../helpers/paths';

const root = mkdtempSync(join(tmpdir(), 'tl-trust-'));
const workspace = join(root, 'ws');
const cache = join(root, 'hf', 'hub');
const elsewhere = join(root, 'mine', 'gpt2');
for (const d of [join(workspace, 'models', 'x'), join(cache, 'models--a--b', 'snapshots', 'c'), elsewhere]) mkdirSync(d, { recursive: true });
after(() => rmSync(root, { recursive: true, force: true }));
const c = { trusted: false, workspaceFolders: [workspace], hubCacheDir: cache };

test('untrusted: models in the workspace, from the Hub cache, repo ids and relative paths need consent', () => {
  assert.ok(needsConsent(join(workspace, 'models', 'x'), c));
  assert.ok(needsConsent(workspace, c));
  assert.ok(needsConsent(join(cache, 'models--a--b', 'snapshots', 'c'), c));
  assert.ok(needsConsent('a/b', c), 'a repo id');
  assert.ok(needsConsent('models/x', c), 'relative: resolves against the workspace');
  const link = join(root, 'link-into-ws');
  symlinkSync(join(workspace, 'models', 'x'), link);
  assert.ok(needsConsent(link, c), 'a link into the workspace is followed');
});

test('untrusted: a model the user keeps elsewhere loads without asking; trusted: nothing asks', () => {
  assert.ok(!needsConsent(elsewhere, c));
  assert.ok(!needsConsent(join(root, 'wsx', 'm'), c), 'a sibling folder whose name starts like the workspace is not inside it');
  for (const m of [join(workspace, 'models', 'x'), 'a/b', join(cache, 'x')]) assert.ok(!needsConsent(m, { ...c, trusted: true }), m);
});

test('no custom-op library can be registered: no session option or setting names one, no source calls it', () => {
  const optionText = JSON.stringify([0, 1, 4].map((t) => sessionOptions(t)));
  assert.doesNotMatch(optionText, /custom|library|\.so|\.dll|\.dylib/i);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, unknown> } } };
  for (const key of Object.keys(pkg.contributes.configuration.properties)) assert.doesNotMatch(key, /custom|library|plugin|op(s)?$/i, key);
  const hits: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ts$/.test(e.name) && /registerCustomOps|customOpsLibrary|custom_op_library|RegisterCustomOpsLibrary/i.test(readFileSync(p, 'utf8'))) hits.push(p);
    }
  };
  walk(join(ROOT, 'src'));
  assert.deepEqual(hits, []);
});
