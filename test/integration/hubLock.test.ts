// The cross-process blob lock ({cache}/.locks/models--org--name/{blob}.lock, huggingface_hub's
// path): a second process (dist/cli.js `download`) waits for the first instead of writing the same
// .incomplete file, and fetches nothing twice (requests counted on the loopback Hub); stale locks
// are broken; Cancel while waiting leaves no lock; a Python flock(2) on the file is waited for, and
// a Python download that starts while we hold the lock waits for us (our flock(2), flockHold.ts).
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoopbackHub } from '../helpers/loopbackHub';
import { builtEnginePath, CODE_LM } from '../helpers/paths';
import { runCli } from '../helpers/cli';
import { downloadModel, type DownloadProgress } from '../../src/engine/hub/downloadModel';
import { hubEnv, type HubEnv } from '../../src/engine/hub/hubEnv';
import { repoCacheDir } from '../../src/engine/hub/hubCache';
import { acquireBlobLock, blobLockPath } from '../../src/engine/hub/blobLock';
import { takeFlock } from '../../src/engine/hub/flockHold';

builtEnginePath();
const REPO = 'tensorloupe/code-lm';
const ONNX = 'onnx/model.onnx';
const GRAPH = readFileSync(join(CODE_LM, ONNX));
const GRAPH_SHA = createHash('sha256').update(GRAPH).digest('hex');
const hub = new LoopbackHub();
const homes: string[] = [];
let home: string;
let env: HubEnv;

before(async () => {
  await hub.start();
  hub.addRepo(REPO, CODE_LM, (p) => !p.endsWith('reference.json') && !/model_(fp16|int8)/.test(p));
});
after(async () => {
  await hub.stop();
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'tl-hublock-'));
  homes.push(home);
  env = hubEnv({ HF_HOME: home, HF_ENDPOINT: hub.url });
  hub.requests.length = 0;
});

const repoDir = () => repoCacheDir(env.cacheDir, REPO);
const graphLock = () => blobLockPath(repoDir(), GRAPH_SHA);
const locksLeft = () => readdirSync(join(env.cacheDir, '.locks', 'models--tensorloupe--code-lm'));

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 3000 && !ok(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(ok(), `timed out waiting for ${what}`);
}

function writeLock(owner: object, ageMs = 0): void {
  mkdirSync(join(graphLock(), '..'), { recursive: true });
  writeFileSync(graphLock(), JSON.stringify(owner));
  const t = new Date(Date.now() - ageMs);
  utimesSync(graphLock(), t, t);
}

test('a CLI download of a file another process is downloading waits for it; both end verified, no byte fetched twice', { timeout: 120_000 }, async () => {
  assert.equal(graphLock(), join(env.cacheDir, '.locks', 'models--tensorloupe--code-lm', `${GRAPH_SHA}.lock`), 'huggingface_hub’s lock path');
  let release!: () => void;
  hub.switches.hold = { path: ONNX, until: new Promise<void>((r) => (release = r)) };
  // the first: this process (as the editor's engine would), held after the graph's first 64 KiB
  const first = downloadModel({ repo: REPO, env });
  await until('the first to hold the graph’s lock', () => existsSync(graphLock()) && hub.requestsTo('/cdn/').length === 1);
  const owner = JSON.parse(readFileSync(graphLock(), 'utf8')) as { pid: number; host: string; time: string };
  assert.deepEqual([owner.pid, owner.host], [process.pid, hostname()]);
  assert.ok(Date.now() - Date.parse(owner.time) < 120_000);
  let waited = '';
  const second = runCli(['download', REPO], {
    env: { HF_HOME: home, HF_ENDPOINT: hub.url, HF_HUB_OFFLINE: '', HF_TOKEN: '' },
    timeoutMs: 100_000,
    onStderr: (text) => {
      const m = /waiting for another download of onnx\/model\.onnx \(pid \d+ on [^)]+\)/.exec(text);
      if (m && !waited) {
        waited = m[0];
        release();
      }
    },
  });
  void second.finally(() => release()); // never leave the first held if the second fails early
  const [a, b] = await Promise.all([first, second]);
  assert.equal(b.code, 0, b.stderr);
  assert.equal(waited, `waiting for another download of onnx/model.onnx (pid ${process.pid} on ${hostname()})`, 'the second said it waited, and for whom');
  assert.equal(b.stdout.toString('utf8').trim(), a.snapshot);
  assert.ok(readFileSync(join(a.snapshot, ONNX)).equals(GRAPH), 'the graph is whole and verified');
  assert.equal(createHash('sha256').update(readFileSync(join(a.snapshot, ONNX))).digest('hex'), GRAPH_SHA);
  // each file crossed the wire once: one resolve per file, one CDN body for the graph
  for (const f of a.files) assert.equal(hub.requestsTo(`/resolve/${a.commit}/${f}`).length, 1, f);
  assert.equal(hub.requestsTo('/cdn/').length, 1);
  assert.equal(hub.requestsTo('/api/').length, 4, 'each process asked for the commit and the file list, nothing more');
  assert.deepEqual(locksLeft(), [], 'both released their locks');
  assert.ok(readdirSync(join(repoDir(), 'blobs')).every((f) => !f.endsWith('.incomplete')));
});

test('a lock left by a process that is gone, or not refreshed for an hour, is broken', { timeout: 60_000 }, async () => {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  const dead = Number(child.stdout.toString());
  writeLock({ tool: 'tensorloupe', pid: dead, host: hostname(), time: new Date().toISOString(), id: 'x' });
  const waits: DownloadProgress[] = [];
  const r = await downloadModel({ repo: REPO, env, onProgress: (p) => p.waitingFor && waits.push(p) });
  assert.deepEqual(waits, [], 'no wait for a dead process');
  assert.ok(readFileSync(join(r.snapshot, ONNX)).equals(GRAPH));
  assert.deepEqual(locksLeft(), []);

  rmSync(join(repoDir()), { recursive: true });
  writeLock({ tool: 'tensorloupe', pid: 1, host: 'another-machine', time: new Date(Date.now() - 3_600_000).toISOString(), id: 'y' }, 3_600_000);
  const waitsOld: DownloadProgress[] = [];
  const again = await downloadModel({ repo: REPO, env, onProgress: (p) => p.waitingFor && waitsOld.push(p) });
  assert.deepEqual(waitsOld, [], 'no wait for a lock nobody refreshed for an hour');
  assert.ok(readFileSync(join(again.snapshot, ONNX)).equals(GRAPH));
  assert.deepEqual(locksLeft(), []);
});

test('Cancel while waiting for a live lock stops at once and leaves no lock of ours', { timeout: 60_000 }, async () => {
  const held = JSON.stringify({ tool: 'tensorloupe', pid: 1, host: 'another-machine', time: new Date().toISOString(), id: 'z' });
  writeLock(JSON.parse(held));
  const controller = new AbortController();
  const waits: string[] = [];
  await assert.rejects(
    downloadModel({ repo: REPO, env, signal: controller.signal, onProgress: (p) => { if (p.waitingFor) { waits.push(p.waitingFor); controller.abort(); } } }),
    (e: Error & { code?: string }) => e.code === 'Cancelled',
  );
  assert.deepEqual(waits, ['pid 1 on another-machine']);
  assert.deepEqual(locksLeft(), [`${GRAPH_SHA}.lock`], 'only the other holder’s lock');
  assert.equal(readFileSync(graphLock(), 'utf8'), held, 'untouched');
  assert.equal(hub.requestsTo('/cdn/').length, 0);
  assert.ok(!existsSync(join(repoDir(), 'refs', 'main')));
});

const python = spawnSync('python3', ['-c', 'import fcntl'], { stdio: 'ignore' }).status === 0;
// filelock's UnixFileLock.acquire: open O_RDWR|O_CREAT|O_TRUNC, flock LOCK_EX|LOCK_NB, on failure close and retry after 50 ms;
// held until stdin closes
const FILELOCK_ACQUIRE = 'import fcntl,os,sys,time\nprint("trying",flush=True)\nwhile True:\n  fd=os.open(sys.argv[1],os.O_RDWR|os.O_CREAT|os.O_TRUNC,0o644)\n  try:\n    fcntl.flock(fd,fcntl.LOCK_EX|fcntl.LOCK_NB); break\n  except BlockingIOError:\n    os.close(fd); time.sleep(0.05)\nprint("locked",flush=True)\nsys.stdin.read()';

/** A Python process taking the blob lock as huggingface_hub does; `out()` is what it has printed ("trying", then "locked"). */
function pythonFilelock(path: string): { py: ReturnType<typeof spawn>; out: () => string } {
  const py = spawn('python3', ['-c', FILELOCK_ACQUIRE, path], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  py.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  return { py, out: () => out };
}

test('a Python download holding flock(2) on the lock file (huggingface_hub’s filelock) is waited for', { skip: !python && 'no python3', timeout: 60_000 }, async () => {
  mkdirSync(join(graphLock(), '..'), { recursive: true });
  const { py, out } = pythonFilelock(graphLock());
  await until('python to take the lock', () => out().includes('locked'));
  const waits: string[] = [];
  const r = await downloadModel({ repo: REPO, env, onProgress: (p) => { if (p.waitingFor) { waits.push(p.waitingFor); py.stdin?.end(); } } });
  assert.deepEqual(waits, ['a huggingface_hub download']);
  assert.ok(readFileSync(join(r.snapshot, ONNX)).equals(GRAPH));
  assert.deepEqual(locksLeft(), []);
});

test('a Python download that starts while we hold a blob waits for our release (we hold flock(2) too)', { skip: (!python || process.platform !== 'linux') && 'needs Linux and python3', timeout: 60_000 }, async () => {
  const release = await acquireBlobLock(graphLock());
  const { py, out } = pythonFilelock(graphLock());
  try {
    await until('python to start', () => out().includes('trying'));
    await new Promise((r) => setTimeout(r, 1500));
    assert.ok(!out().includes('locked'), 'python took the lock while we held it');
    const lockedBefore = Date.now();
    release();
    await until('python to take the lock after our release', () => out().includes('locked'));
    assert.ok(Date.now() - lockedBefore < 5_000);
    assert.deepEqual(locksLeft().filter((f) => !f.endsWith('.lock')), []);
  } finally {
    py.stdin?.end();
    release();
  }
});

test('flock(2) through util-linux flock: held, busy for a second taker, free again after release; no flock command: unavailable', { skip: process.platform !== 'linux' && 'Linux only', timeout: 30_000 }, async () => {
  const path = join(home, 'x.lock');
  writeFileSync(path, '');
  const first = await takeFlock(path);
  assert.equal(first.kind, 'held');
  assert.equal((await takeFlock(path)).kind, 'busy');
  if (first.kind === 'held') first.release();
  let again = await takeFlock(path);
  for (let i = 0; i < 50 && again.kind === 'busy'; i++) again = await takeFlock(path); // the first holder's exit takes a moment
  assert.equal(again.kind, 'held');
  if (again.kind === 'held') again.release();
  const missing = await takeFlock(path, 'tensorloupe-no-such-flock');
  assert.deepEqual(missing, { kind: 'unavailable', why: 'no tensorloupe-no-such-flock command' });
});
