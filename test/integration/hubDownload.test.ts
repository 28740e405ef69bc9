// Hugging Face Hub downloads against a real HTTP server on 127.0.0.1 (test/helpers/loopbackHub.ts)
// serving the bundled code LM as a Hub repo: progress, resume after a cut, hash mismatch,
// the cache answering with no request, offline mode, 401/404/500, redirects, unsafe names.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdtempSync, rmSync, readdirSync, readFileSync, readlinkSync, writeFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoopbackHub } from '../helpers/loopbackHub';
import { CODE_LM } from '../helpers/paths';
import { downloadModel, type DownloadProgress } from '../../src/engine/hub/downloadModel';
import { hubEnv, type HubEnv } from '../../src/engine/hub/hubEnv';
import { repoCacheDir } from '../../src/engine/hub/hubCache';
import { resolveModelArgument } from '../../src/engine/hub/resolveModelArgument';

const REPO = 'tensorloupe/code-lm';
const ONNX = 'onnx/model.onnx';
const hub = new LoopbackHub();
let env: HubEnv;
const homes: string[] = [];

// the repo as the Hub would hold it: the model files plus things a download must leave on the Hub
const inRepo = (p: string) => !p.endsWith('reference.json');

before(async () => {
  await hub.start();
  const repo = hub.addRepo(REPO, CODE_LM, inRepo);
  const graph = repo.files.get(ONNX);
  assert.ok(graph);
  // another variant and a PyTorch weight file: not for an fp32 download
  repo.files.set('onnx/model_fp16.onnx', { ...graph, bytes: Buffer.from('not fetched'), sha256: 'f'.repeat(64) });
  repo.files.set('pytorch_model.bin', { ...graph, lfs: true, sha256: 'e'.repeat(64) });
});
after(async () => {
  await hub.stop();
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

beforeEach(() => {
  const home = mkdtempSync(join(tmpdir(), 'tl-hub-'));
  homes.push(home);
  env = hubEnv({ HF_HOME: home, HF_ENDPOINT: hub.url });
  hub.requests.length = 0;
  Object.assign(hub.switches, { cutOnce: new Set(), corrupt: new Set(), wrongEtag: new Set(), requireToken: undefined, failWith: undefined, extraTreeEntries: [], ignoreRange: false, cdnHost: undefined });
});

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('a download fetches only the variant’s files into the HF cache layout, with progress, LFS through a redirect', async () => {
  const seen: DownloadProgress[] = [];
  const r = await downloadModel({ repo: REPO, env, onProgress: (p) => seen.push(p) });
  const repoDir = repoCacheDir(env.cacheDir, REPO);
  assert.equal(repoDir, join(env.cacheDir, 'models--tensorloupe--code-lm'));
  const commit = hub.repos.get(REPO)?.commit;
  assert.equal(r.commit, commit);
  assert.equal(readFileSync(join(repoDir, 'refs', 'main'), 'utf8'), commit);
  assert.equal(r.snapshot, join(repoDir, 'snapshots', commit as string));
  assert.deepEqual([...r.files].sort(), ['config.json', ONNX, 'tokenizer.json', 'tokenizer_config.json'].sort());
  // a relative symlink into blobs/<sha256>, byte-identical to the source
  const link = join(r.snapshot, 'onnx', 'model.onnx');
  assert.ok(lstatSync(link).isSymbolicLink());
  const bytes = readFileSync(join(CODE_LM, ONNX));
  assert.equal(readlinkSync(link), `../../../blobs/${sha256(bytes)}`);
  assert.ok(readFileSync(link).equals(bytes));
  assert.ok(!existsSync(join(r.snapshot, 'onnx', 'model_fp16.onnx')) && !existsSync(join(r.snapshot, 'pytorch_model.bin')));
  assert.equal(hub.requestsTo('model_fp16').length + hub.requestsTo('pytorch_model').length, 0, 'other variants never requested');
  assert.ok(hub.requestsTo('/cdn/').length >= 1, 'the LFS graph came through the CDN redirect');
  assert.ok(readdirSync(join(repoDir, 'blobs')).every((b) => !b.endsWith('.incomplete')));
  // progress: grows, ends at the total, has a rate
  const total = r.files.reduce((s, f) => s + readFileSync(join(CODE_LM, f)).length, 0);
  assert.ok(seen.length >= 2);
  assert.equal(seen.at(-1)?.bytes, total);
  assert.equal(seen.at(-1)?.total, total);
  assert.ok(seen.every((p, i) => i === 0 || p.bytes >= seen[i - 1].bytes), 'bytes never go back');
  assert.ok((seen.at(-1)?.rate ?? 0) > 0);
  assert.equal(r.downloaded, total);
});

test('a second download asks only for main’s commit and is served from the cache', async () => {
  await downloadModel({ repo: REPO, env });
  hub.requests.length = 0;
  const r = await downloadModel({ repo: REPO, env });
  assert.equal(r.fromCache, true);
  assert.equal(r.note, undefined);
  assert.deepEqual(hub.requests.map((q) => q.url), [`/api/models/${REPO}`]);
  assert.equal(await resolveModelArgument(REPO, { env }), r.snapshot, '--model org/name resolves to the same snapshot, no file requested');
  assert.equal(hub.requestsTo('/resolve/').length + hub.requestsTo('/tree/').length, 0);
});

test('a transfer cut mid-body resumes with a Range request, and the file is complete and verified', async () => {
  hub.switches.cutOnce.add(ONNX);
  const r = await downloadModel({ repo: REPO, env });
  const cdn = hub.requestsTo('/cdn/');
  assert.equal(cdn.length, 2, 'one cut transfer, one resumed');
  assert.equal(cdn[0].range, undefined);
  const size = readFileSync(join(CODE_LM, ONNX)).length;
  const m = /^bytes=(\d+)-$/.exec(cdn[1].range ?? '');
  assert.ok(m, `second request has a Range header (got ${cdn[1].range})`);
  assert.ok(Number(m[1]) > 0 && Number(m[1]) < size, 'it starts where the cut left off');
  assert.ok(readFileSync(join(r.snapshot, ONNX)).equals(readFileSync(join(CODE_LM, ONNX))));
});

test('a partial file left by an earlier process (.incomplete) is resumed, not fetched again', async () => {
  const bytes = readFileSync(join(CODE_LM, ONNX));
  const blobs = join(repoCacheDir(env.cacheDir, REPO), 'blobs');
  mkdirSync(blobs, { recursive: true });
  writeFileSync(join(blobs, `${sha256(bytes)}.incomplete`), bytes.subarray(0, 1000));
  const r = await downloadModel({ repo: REPO, env });
  assert.deepEqual(hub.requestsTo('/cdn/').map((q) => q.range), ['bytes=1000-']);
  assert.ok(readFileSync(join(r.snapshot, ONNX)).equals(bytes));
});

test('a server that ignores Range restarts the file from zero and it still verifies', async () => {
  hub.switches.cutOnce.add(ONNX);
  hub.switches.ignoreRange = true;
  const r = await downloadModel({ repo: REPO, env });
  assert.ok(readFileSync(join(r.snapshot, ONNX)).equals(readFileSync(join(CODE_LM, ONNX))));
});

test('bytes that do not match the Hub’s sha256 are rejected in one line and nothing is left in the snapshot', async () => {
  hub.switches.corrupt.add(ONNX);
  await assert.rejects(downloadModel({ repo: REPO, env }), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'HubIntegrityError');
    assert.match(e.message, /onnx\/model\.onnx does not match the Hub's sha256 \(expected [0-9a-f]{12}…, got [0-9a-f]{12}…\)/);
    assert.ok(!e.message.includes('\n'));
    return true;
  });
  const repoDir = repoCacheDir(env.cacheDir, REPO);
  assert.ok(!existsSync(join(repoDir, 'refs', 'main')), 'no ref to a half snapshot');
  const snap = join(repoDir, 'snapshots');
  assert.ok(!existsSync(snap) || !readdirSync(snap).some((c) => existsSync(join(snap, c, ONNX))), 'the graph is not in any snapshot');
  assert.ok(readdirSync(join(repoDir, 'blobs')).every((b) => !b.endsWith('.incomplete')), 'the bad bytes were deleted');
});

test('a resolve answer whose ETag is not the listed hash is refused before its body is read', async () => {
  hub.switches.wrongEtag.add(ONNX);
  await assert.rejects(downloadModel({ repo: REPO, env }), /the Hub's ETag for onnx\/model\.onnx \(aaaaaaaaaaaa…\) is not the hash its file list gave/);
  assert.equal(hub.requestsTo('/cdn/').length, 0, 'the CDN was never asked');
});

test('a non-LFS file is checked against its git blob sha1', async () => {
  hub.switches.corrupt.add('config.json');
  await assert.rejects(downloadModel({ repo: REPO, env }), /config\.json does not match the Hub's git sha1/);
});

test('offline (HF_HUB_OFFLINE=1): the cache answers; a model not cached is a clear error; no request either way', async () => {
  const offline = hubEnv({ HF_HOME: join(env.cacheDir, '..'), HF_ENDPOINT: hub.url, HF_HUB_OFFLINE: '1' });
  await assert.rejects(downloadModel({ repo: REPO, env: offline }), /tensorloupe\/code-lm@main \(fp32\) is not in the Hugging Face cache .* HF_HUB_OFFLINE is set: download it once online/);
  assert.equal(hub.requests.length, 0);
  const online = await downloadModel({ repo: REPO, env });
  hub.requests.length = 0;
  assert.equal((await downloadModel({ repo: REPO, env: offline })).snapshot, online.snapshot);
  assert.equal(hub.requests.length, 0);
});

test('401 says to set a token; with HF_TOKEN the token is sent to the Hub but not to the CDN', async () => {
  hub.switches.requireToken = 'hf_secret';
  await assert.rejects(downloadModel({ repo: REPO, env }), /HTTP 401, the repo is private or gated: set a Hugging Face token \(HF_TOKEN, or Tensorloupe: Set Hugging Face Token\)/);
  const wrong = { ...env, token: 'hf_wrong' };
  await assert.rejects(downloadModel({ repo: REPO, env: wrong }), /the Hugging Face token given was refused/);
  hub.requests.length = 0;
  hub.switches.cdnHost = 'localhost'; // the CDN on another origin, as the real Hub's is
  const withToken = hubEnv({ HF_HOME: join(env.cacheDir, '..'), HF_ENDPOINT: hub.url, HF_TOKEN: 'hf_secret' });
  await downloadModel({ repo: REPO, env: withToken });
  assert.ok(hub.requestsTo('/api/').length === 2 && hub.requestsTo('/api/').every((q) => q.authorization === 'Bearer hf_secret'));
  const cdn = hub.requestsTo('/cdn/');
  assert.ok(cdn.length > 0 && cdn.every((q) => q.authorization === undefined), 'the token never goes to another origin');
});

test('404 and 500 are one line naming the repo and what to do', async () => {
  await assert.rejects(downloadModel({ repo: 'tensorloupe/missing', env }), /tensorloupe\/missing \(revision main\): HTTP 404, no such repo, revision or file .*check the repo id and --revision/);
  hub.switches.failWith = 500;
  await assert.rejects(downloadModel({ repo: REPO, env }), /tensorloupe\/code-lm \(revision main\): HTTP 500 from http:\/\/127\.0\.0\.1:\d+; try again later\./);
});

test('file names from the Hub that would leave the snapshot are refused before anything is written', async () => {
  for (const path of ['../../evil.onnx', '/etc/passwd', 'onnx\\..\\x', 'a/./b', 'bad\u0007name', 'C:/x']) {
    hub.switches.extraTreeEntries = [{ type: 'file', oid: 'a'.repeat(40), size: 1, path }];
    await assert.rejects(downloadModel({ repo: REPO, env }), /which is not a safe relative path; nothing was written/, JSON.stringify(path));
  }
  assert.ok(!existsSync(join(repoCacheDir(env.cacheDir, REPO), 'blobs')));
  assert.ok(!existsSync(join(env.cacheDir, '..', 'evil.onnx')));
});

test('repo ids, revisions and variants are checked before any request', async () => {
  await assert.rejects(downloadModel({ repo: '../etc', env }), /is not a Hugging Face repo id/);
  await assert.rejects(downloadModel({ repo: REPO, revision: '../x', env }), /--revision "\.\.\/x" is not a branch/);
  await assert.rejects(downloadModel({ repo: REPO, variant: 'fp8', env }), /--variant must be one of fp32, fp16, q8/);
  assert.equal(hub.requests.length, 0);
});

test('a variant the repo lacks names the ONNX files it has', async () => {
  await assert.rejects(downloadModel({ repo: REPO, variant: 'q4', env }), /has no q4 ONNX graph \(looked for onnx\/model_q4\.onnx\); its ONNX files: onnx\/model\.onnx, onnx\/model_fp16\.onnx/);
});

test('Cancel (AbortSignal) stops the download and keeps the partial file for a resume', async () => {
  const controller = new AbortController();
  await assert.rejects(
    downloadModel({ repo: REPO, env, signal: controller.signal, onProgress: (p) => { if (p.file === ONNX && p.bytes > 0) controller.abort(); } }),
    (e: Error & { code?: string }) => e.code === 'Cancelled',
  );
  assert.ok(!existsSync(join(repoCacheDir(env.cacheDir, REPO), 'refs', 'main')));
  assert.deepEqual(readdirSync(join(env.cacheDir, '.locks', 'models--tensorloupe--code-lm')), [], 'the lock held mid-transfer was released');
  const r = await downloadModel({ repo: REPO, env });
  assert.ok(readFileSync(join(r.snapshot, ONNX)).equals(readFileSync(join(CODE_LM, ONNX))));
});

test('a pinned commit is fetched by its hash and needs no ref', async () => {
  const commit = hub.repos.get(REPO)?.commit as string;
  const r = await downloadModel({ repo: REPO, revision: commit, env });
  assert.equal(r.commit, commit);
  assert.ok(hub.requestsTo(`/revision/${commit}`).length === 1);
  hub.requests.length = 0;
  assert.equal((await downloadModel({ repo: REPO, revision: commit, env })).fromCache, true);
  assert.equal(hub.requests.length, 0);
});

test('a snapshot huggingface_hub left in the cache (refs/main, links into blobs, .no_exist) is used: offline with no request, online when the Hub does not know it', async () => {
  // the layout `huggingface_hub.snapshot_download("org/name", allow_patterns=[...])` writes
  const repoDir = repoCacheDir(env.cacheDir, 'someone/python-fetched');
  const commit = '1234567890abcdef1234567890abcdef12345678';
  const snapshot = join(repoDir, 'snapshots', commit);
  for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', ONNX]) {
    const bytes = readFileSync(join(CODE_LM, f));
    const blob = join(repoDir, 'blobs', sha256(bytes));
    mkdirSync(join(repoDir, 'blobs'), { recursive: true });
    writeFileSync(blob, bytes);
    mkdirSync(join(snapshot, f, '..'), { recursive: true });
    symlinkSync(`${'../'.repeat(f.split('/').length + 1)}blobs/${sha256(bytes)}`, join(snapshot, f));
  }
  mkdirSync(join(repoDir, '.no_exist', commit), { recursive: true });
  writeFileSync(join(repoDir, '.no_exist', commit, 'generation_config.json'), '');
  mkdirSync(join(repoDir, 'refs'), { recursive: true });
  writeFileSync(join(repoDir, 'refs', 'main'), commit);
  const offline = { ...env, offline: true };
  assert.equal(await resolveModelArgument('someone/python-fetched', { env: offline }), snapshot);
  // online the Hub is asked for main; this one does not know the repo, so the cache answers and says so
  const r = await downloadModel({ repo: 'someone/python-fetched', env });
  assert.equal(r.fromCache, true);
  assert.equal(r.snapshot, snapshot);
  assert.match(r.note ?? '', /HTTP 404.*; using the cached commit 1234567890ab of someone\/python-fetched@main\./);
  assert.equal(hub.requestsTo('/resolve/').length, 0);
});

test('two downloads of one model at once share one transfer', async () => {
  const [a, b] = await Promise.all([downloadModel({ repo: REPO, env }), downloadModel({ repo: REPO, env })]);
  assert.equal(a.snapshot, b.snapshot);
  assert.equal(hub.requestsTo('/cdn/').length, 1);
});
