// `tensorloupe download` and `--model org/name` as a user runs them (dist/cli.js in its own process)
// against the loopback Hub on 127.0.0.1: progress on stderr, the snapshot on stdout, the repo id
// accepted by every --model, offline from the cache.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoopbackHub } from '../helpers/loopbackHub';
import { builtEnginePath, CODE_LM } from '../helpers/paths';
import { runCli } from '../helpers/cli';

builtEnginePath();
const hub = new LoopbackHub();
let env: NodeJS.ProcessEnv;

before(async () => {
  await hub.start();
  hub.addRepo('tensorloupe/code-lm', CODE_LM, (p) => !p.endsWith('reference.json'));
  env = { HF_HOME: mkdtempSync(join(tmpdir(), 'tl-hubcli-')), HF_ENDPOINT: hub.url, HF_HUB_OFFLINE: '', HF_TOKEN: '' };
});
after(async () => {
  await hub.stop();
  rmSync(env.HF_HOME as string, { recursive: true, force: true });
});

test('download prints progress on stderr and the snapshot folder on stdout; next-token --model org/name runs on it', async () => {
  const r = await runCli(['download', 'tensorloupe/code-lm'], { env });
  assert.equal(r.code, 0, r.stderr);
  const snapshot = r.stdout.toString('utf8').trim();
  assert.match(snapshot, /models--tensorloupe--code-lm[\\/]snapshots[\\/][0-9a-f]{40}$/);
  assert.match(r.stderr, /downloading tensorloupe\/code-lm: .* of .*\(100%\) · .*\/s/);
  const offline = { ...env, HF_HUB_OFFLINE: '1' };
  hub.requests.length = 0;
  const viaRepo = await runCli(['next-token', '--model', 'tensorloupe/code-lm', '--json', 'function add(a, b) {\n  return'], { env: offline });
  assert.equal(viaRepo.code, 0, viaRepo.stderr);
  assert.match(viaRepo.stderr, /note: HF_HUB_OFFLINE is set: using the cached commit [0-9a-f]{12}/);
  assert.equal(hub.requests.length, 0, 'served from the cache');
  const viaPath = await runCli(['next-token', '--model', CODE_LM, '--json', 'function add(a, b) {\n  return'], { env: offline });
  const a = JSON.parse(viaRepo.stdout.toString('utf8')) as { model: string; next: { id: number; prob: number }[] };
  const b = JSON.parse(viaPath.stdout.toString('utf8')) as { model: string; next: { id: number; prob: number }[] };
  assert.equal(a.model, 'tensorloupe/code-lm', 'a snapshot is named by its repo id');
  assert.deepEqual(a.next.map((c) => c.id), b.next.map((c) => c.id), 'same model, same answer');
  assert.ok(realpathSync(snapshot));
  const again = await runCli(['download', 'tensorloupe/code-lm'], { env: offline });
  assert.equal(again.code, 0);
  assert.equal(again.stdout.toString('utf8').trim(), snapshot);
  assert.match(again.stderr, /HF_HUB_OFFLINE is set: using the cached commit [0-9a-f]{12} of tensorloupe\/code-lm@main/, 'offline says which commit it used');
});

test('a repo id not cached, offline, is one line saying how to get it; a bad variant names the choices', async () => {
  const r = await runCli(['next-token', '--model', 'tensorloupe/other', 'x'], { env: { ...env, HF_HUB_OFFLINE: '1' } });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^tensorloupe: HubError: tensorloupe\/other@main \(fp32\) is not in the Hugging Face cache .*HF_HUB_OFFLINE is set/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  const v = await runCli(['download', 'tensorloupe/code-lm', '--variant', 'fp8'], { env });
  assert.equal(v.code, 1);
  assert.match(v.stderr, /--variant must be one of fp32, fp16, q8, int8, uint8, q4, q4f16, bnb4/);
});

test('a mistyped local path of two parts is reported missing, never looked up on the Hub', async () => {
  hub.requests.length = 0;
  const r = await runCli(['next-token', '--model', 'models/tensorloupe-code-lmx', 'x'], { env });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Model not found: .*tensorloupe-code-lmx/);
  assert.equal(hub.requests.length, 0);
});
