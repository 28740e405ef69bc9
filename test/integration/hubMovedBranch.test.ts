// A branch that moves on the Hub (test/helpers/loopbackHub.ts publishes a second commit on main):
// online, main is asked for its commit every time and only the blobs that changed are fetched;
// offline or with the Hub out of reach the cached ref is used, and the result says which commit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type AddressInfo } from 'node:net';
import { LoopbackHub } from '../helpers/loopbackHub';
import { CODE_LM } from '../helpers/paths';
import { downloadModel } from '../../src/engine/hub/downloadModel';
import { hubEnv, type HubEnv } from '../../src/engine/hub/hubEnv';
import { repoCacheDir } from '../../src/engine/hub/hubCache';
import { resolveModelArgument } from '../../src/engine/hub/resolveModelArgument';

const REPO = 'tensorloupe/moving';
const ONNX = 'onnx/model.onnx';
const hub = new LoopbackHub();
let home: string;
let env: HubEnv;

before(async () => {
  await hub.start();
  home = mkdtempSync(join(tmpdir(), 'tl-hubmove-'));
  env = hubEnv({ HF_HOME: home, HF_ENDPOINT: hub.url });
});
after(async () => {
  await hub.stop();
  rmSync(home, { recursive: true, force: true });
});

const refMain = () => readFileSync(join(repoCacheDir(env.cacheDir, REPO), 'refs', 'main'), 'utf8');

test('main moved on the Hub: refs/main follows it, only the changed file is fetched; offline and unreachable use the cached commit and say so', async () => {
  const a = hub.addRepo(REPO, CODE_LM, (p) => p.endsWith('.json') && !p.endsWith('reference.json') && !p.endsWith('metrics.json') || p === ONNX);
  const first = await downloadModel({ repo: REPO, env });
  assert.equal(first.commit, a.commit);
  assert.equal(refMain(), a.commit);

  // commit B changes config.json only
  const config = JSON.parse(readFileSync(join(CODE_LM, 'config.json'), 'utf8')) as Record<string, unknown>;
  const changed = Buffer.from(JSON.stringify({ ...config, tensorloupe_revision: 'B' }, null, 2));
  const b = hub.publish(REPO, { 'config.json': changed });
  assert.notEqual(b.commit, a.commit);
  hub.requests.length = 0;
  const snapshot = await resolveModelArgument(REPO, { env });
  assert.equal(refMain(), b.commit, 'refs/main moved to the new commit');
  assert.equal(snapshot, join(repoCacheDir(env.cacheDir, REPO), 'snapshots', b.commit));
  const fetched = hub.requestsTo('/resolve/').map((r) => r.url);
  assert.deepEqual(fetched, [`/${REPO}/resolve/${b.commit}/config.json`], 'only the file whose blob changed');
  assert.equal(hub.requestsTo('/cdn/').length, 0, 'the unchanged graph was not fetched again');
  assert.ok(readFileSync(join(snapshot, 'config.json')).equals(changed));
  assert.ok(readFileSync(join(snapshot, ONNX)).equals(readFileSync(join(CODE_LM, ONNX))), 'the new snapshot links the graph it already had');
  assert.ok(readFileSync(join(first.snapshot, 'config.json')).equals(readFileSync(join(CODE_LM, 'config.json'))), 'commit A’s snapshot is left as it was');

  // up to date: one small request, nothing fetched, nothing to say
  hub.requests.length = 0;
  const current = await downloadModel({ repo: REPO, env });
  assert.deepEqual([current.commit, current.fromCache, current.downloaded, current.note], [b.commit, true, 0, undefined]);
  assert.deepEqual(hub.requests.map((r) => r.url), [`/api/models/${REPO}`]);

  // offline: the cached ref, no request, and which commit that is
  hub.requests.length = 0;
  const notes: string[] = [];
  const offline = await resolveModelArgument(REPO, { env: { ...env, offline: true }, onNote: (t) => notes.push(t) });
  assert.equal(offline, snapshot);
  assert.equal(hub.requests.length, 0);
  assert.deepEqual(notes, [`HF_HUB_OFFLINE is set: using the cached commit ${b.commit.slice(0, 12)} of ${REPO}@main, not checked against the Hub.`]);

  // the network down (a port nothing listens on): same snapshot, the reason and the commit said
  const port = await closedPort();
  const down = await downloadModel({ repo: REPO, env: { ...env, endpoint: `http://127.0.0.1:${port}` } });
  assert.equal(down.snapshot, snapshot);
  assert.match(down.note ?? '', new RegExp(`^${REPO}: cannot reach http://127\\.0\\.0\\.1:${port} for revision main \\(ECONNREFUSED\\); using the cached commit ${b.commit.slice(0, 12)} of ${REPO}@main\\.$`));

  // the Hub failing (500): the same
  hub.switches.failWith = 500;
  const failing = await downloadModel({ repo: REPO, env });
  hub.switches.failWith = undefined;
  assert.equal(failing.commit, b.commit);
  assert.match(failing.note ?? '', /HTTP 500 .*; using the cached commit/);

  // the Hub not answering at all: given up after HF_HUB_ETAG_TIMEOUT, the cache used
  hub.switches.stall = `/api/models/${REPO}`;
  const stalled = await downloadModel({ repo: REPO, env: hubEnv({ HF_HOME: home, HF_ENDPOINT: hub.url, HF_HUB_ETAG_TIMEOUT: '0.5' }) });
  hub.switches.stall = undefined;
  assert.equal(stalled.commit, b.commit);
  assert.match(stalled.note ?? '', /did not answer for revision main within 0\.5 s \(HF_HUB_ETAG_TIMEOUT\); using the cached commit/);

  // a pinned commit is final: commit A from the cache with no request at all
  hub.requests.length = 0;
  const pinned = await downloadModel({ repo: REPO, revision: a.commit, env });
  assert.deepEqual([pinned.snapshot, pinned.fromCache, hub.requests.length], [first.snapshot, true, 0]);
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
