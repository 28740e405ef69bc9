// Cancel through EngineClient, on the real engine process: work that checks for cancellation stops
// by itself; work that cannot (a tokenizer regex that backtracks for ever, a request that ignores
// its signal) is stopped by restarting the engine HARD_CANCEL_MS after Cancel. Either way the call
// rejects with Cancelled and the next request is answered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineClient, type CancelToken } from '../../src/host/engineClient';
import { createEngineHandlers } from '../../src/engine/engineHandlers';
import { builtEnginePath, CODE_LM, ROOT } from '../helpers/paths';
import type { CancelSignal, RpcError } from '../../src/protocol/rpc';

const haveModel = existsSync(CODE_LM);
const skip = !haveModel && 'bundled model not built yet';

/** A cancel token the test fires by hand, mid-request. */
function cancelSource(): { token: CancelToken; fire(): void } {
  const listeners: (() => void)[] = [];
  return { token: { onCancel: (l) => listeners.push(l) }, fire: () => listeners.splice(0).forEach((l) => l()) };
}

const isCancelled = (e: RpcError) => e.code === 'Cancelled';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The code LM, with a pre-tokenizer regex that backtracks catastrophically on "aaaa…a!". */
function modelWithCatastrophicRegex(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tl-regex-'));
  cpSync(CODE_LM, dir, { recursive: true });
  const path = join(dir, 'tokenizer.json');
  const json = JSON.parse(readFileSync(path, 'utf8')) as { pre_tokenizer: unknown };
  json.pre_tokenizer = { type: 'Sequence', pretokenizers: [{ type: 'Split', pattern: { Regex: '(a+)+$' }, behavior: 'Isolated', invert: false }, json.pre_tokenizer] };
  writeFileSync(path, JSON.stringify(json));
  return dir;
}

/** ~2,000 tokens of source text, so an attention summary runs in many chunks. */
const LONG_TEXT = readFileSync(join(ROOT, 'test', 'fixtures', 'longSource.ts.txt'), 'utf8').repeat(3);

test('a tokenizer regex that never returns: Cancel restarts the engine, the call rejects Cancelled, the next request answers', { skip, timeout: 60_000 }, async () => {
  const dir = modelWithCatastrophicRegex();
  const client = new EngineClient({ enginePath: builtEnginePath(), settings: { provider: 'cpu', threads: 1 } });
  try {
    await client.call('model/load', { model: dir }); // the tokenizer loads; only encoding "aaaa…!" hangs
    const before = await client.call('engine/info', {});
    const cancel = cancelSource();
    const stuck = client.call('lm/nextToken', { model: dir, text: `${'a'.repeat(48)}!`, topK: 3, maxTokens: 64 }, cancel.token);
    await sleep(300); // the engine is inside the regex now
    cancel.fire();
    await assert.rejects(stuck, isCancelled);
    assert.equal(client.restarts, 1, 'the engine was restarted: the regex could not be stopped in place');
    const after = await client.call('engine/info', {});
    assert.notEqual(after.pid, before.pid);
    const r = await client.call('lm/nextToken', { model: CODE_LM, text: 'import os\n', topK: 3, maxTokens: 64 });
    assert.equal(r.next.length, 3);
  } finally {
    client.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a request that ignores its cancel is stopped by the forced restart; calls made meanwhile reach the new engine', { timeout: 60_000 }, async () => {
  // the test hook holds every request 3 s without looking at its signal: longer than the grace period
  const client = new EngineClient({ enginePath: builtEnginePath(), settings: { provider: 'cpu', threads: 1 }, env: { TENSORLOUPE_ENGINE_TEST_DELAY_MS: '3000' } });
  try {
    const first = await client.call('engine/info', {});
    const cancel = cancelSource();
    const ignoring = client.call('engine/info', {}, cancel.token);
    await sleep(100);
    cancel.fire();
    const meanwhile = client.call('engine/info', {}); // sent after Cancel: must not die with the old engine
    await assert.rejects(ignoring, isCancelled);
    const next = await meanwhile;
    assert.notEqual(next.pid, first.pid, 'answered by a new engine');
    assert.equal(client.restarts, 1);
  } finally {
    client.dispose();
  }
});

test('Cancel mid-way through a long attention summary stops it in the engine, without a restart', { skip, timeout: 60_000 }, async () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'tl-cancel-'));
  const log: string[] = [];
  const client = new EngineClient({ enginePath: builtEnginePath(), settings: { provider: 'cpu', threads: 1, cacheDir }, onLog: (l) => log.push(l) });
  try {
    await client.call('attention/summary', { model: CODE_LM, text: 'x = 1', maxTokens: 2048 }); // instrument and open sessions first
    const { pid } = await client.call('engine/info', {});
    const cancel = cancelSource();
    const long = client.call('attention/summary', { model: CODE_LM, text: LONG_TEXT, maxTokens: 2048 }, cancel.token);
    await sleep(150); // tokenised, a few of its 128-row chunks done
    cancel.fire();
    await assert.rejects(long, isCancelled);
    assert.equal(client.restarts, 0, 'it stopped between chunks, within the grace period');
    assert.deepEqual(log.filter((l) => /before it saw the cancel/.test(l)), [], 'the engine answered Cancelled instead of finishing the summary');
    const after = await client.call('engine/info', {});
    assert.equal(after.pid, pid);
  } finally {
    client.dispose();
    rmSync(cacheDir, { recursive: true, force: true });
  }
});

test('in-process: a cancel that arrives after the first chunk stops the summary before its end', { skip, timeout: 60_000 }, async () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'tl-cancel-'));
  try {
    const engine = createEngineHandlers({ provider: 'cpu', threads: 1, cacheDir });
    const never: CancelSignal = { cancelled: false, onCancel: () => undefined };
    await engine['attention/summary']({ model: CODE_LM, text: 'x = 1', maxTokens: 2048 }, never);
    let reads = 0;
    // not cancelled when the request starts, nor for its first chunk; cancelled from the second check on
    const midway: CancelSignal = {
      get cancelled() {
        reads++;
        return reads > 3;
      },
      onCancel: () => undefined,
    };
    await assert.rejects(async () => engine['attention/summary']({ model: CODE_LM, text: LONG_TEXT, maxTokens: 2048 }, midway), isCancelled);
    assert.ok(reads > 3, `the signal was checked between chunks (${reads} reads)`);
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
});

/** Not cancelled for its first `n` checks, cancelled from then on: a cancel that arrives mid-run. */
function cancelledAfter(n: number): CancelSignal & { reads: number } {
  const s = {
    reads: 0,
    get cancelled() {
      s.reads++;
      return s.reads > n;
    },
    onCancel: () => undefined,
  };
  return s;
}

test('in-process: whole-vocabulary loops (positionTopK, surprisal alternatives, generation) stop at a cancel that arrives mid-way', { skip, timeout: 120_000 }, async () => {
  const engine = createEngineHandlers({ provider: 'cpu', threads: 1 });
  const never: CancelSignal = { cancelled: false, onCancel: () => undefined };
  const text = LONG_TEXT.slice(0, 4000); // a few hundred tokens: many rows of 32
  // a request start and its first row are not cancelled; the check 32 rows later is
  const positions = cancelledAfter(3);
  await assert.rejects(async () => engine['lm/nextToken']({ model: CODE_LM, text, topK: 3, maxTokens: 2048, positionTopK: 5 }, positions), isCancelled);
  assert.ok(positions.reads > 3);
  const surprisal = cancelledAfter(3);
  await assert.rejects(async () => engine['lm/surprisal']({ model: CODE_LM, text, maxTokens: 2048, alternatives: 5 }, surprisal), isCancelled);
  assert.ok(surprisal.reads > 3);
  const run = await engine['lm/nextToken']({ model: CODE_LM, text: 'def f(x):\n', topK: 3, maxTokens: 64 }, never);
  const generation = cancelledAfter(2);
  await assert.rejects(async () => engine['lm/generate']({ runId: run.runId, mode: 'sample', count: 4, maxNewTokens: 32, temperature: 1, topK: 0, topP: 1, seed: 1 }, generation), isCancelled);
  assert.ok(generation.reads > 2);
});
