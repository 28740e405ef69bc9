// After the idle delay the engine drops its kept runs and releases its sessions: an old run id
// then answers "run it again" cleanly, and the next requests load the model afresh and work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngineHandlers } from '../../src/engine/engineHandlers';
import { CODE_LM } from '../helpers/paths';
import type { CancelSignal, RpcError } from '../../src/protocol/rpc';

const never: CancelSignal = { cancelled: false, onCancel: () => undefined };

test('the idle release drops runs and sessions; later requests load again and answer the same', { skip: !existsSync(CODE_LM) && 'bundled model not built yet', timeout: 120_000 }, async () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'tl-idle-'));
  let released!: () => void;
  let idle = new Promise<void>((r) => (released = r));
  const engine = createEngineHandlers({ provider: 'cpu', threads: 1, cacheDir }, { idleMs: 10, collectGarbage: () => released() });
  const keepAlive = setInterval(() => undefined, 1000); // the idle timer is unref'd: it alone would let the process end
  try {
    const text = 'def add(a, b):\n    return a + b\n';
    const summary = await engine['attention/summary']({ model: CODE_LM, text, maxTokens: 64 }, never);
    const lens = await engine['lens/get']({ model: CODE_LM, text, maxTokens: 64, topK: 3 }, never);
    const next = await engine['lm/nextToken']({ model: CODE_LM, text, topK: 3, maxTokens: 64 }, never);
    await idle;
    const expired = (e: RpcError) => e.code === 'InputError' && /no longer in the engine/.test(e.message);
    await assert.rejects(async () => engine['attention/head']({ runId: summary.runId, layer: 0, head: 0 }, never), expired);
    await assert.rejects(async () => engine['lens/target']({ runId: lens.runId, position: 0, target: 'a' }, never), expired);
    await assert.rejects(async () => engine['lm/position']({ runId: next.runId, position: 0, topK: 3 }, never), expired);
    idle = new Promise<void>((r) => (released = r));
    // released sessions are not reused: the same requests give the same answers from fresh ones
    const again = await engine['attention/summary']({ model: CODE_LM, text, maxTokens: 64 }, never);
    assert.deepEqual(again.thumbnails, summary.thumbnails);
    const lensAgain = await engine['lens/get']({ model: CODE_LM, text, maxTokens: 64, topK: 3 }, never);
    assert.deepEqual(lensAgain.topIds, lens.topIds);
    const nextAgain = await engine['lm/nextToken']({ model: CODE_LM, text, topK: 3, maxTokens: 64 }, never);
    assert.deepEqual(nextAgain.lastLogits, next.lastLogits);
    const head = await engine['attention/head']({ runId: again.runId, layer: 0, head: 0 }, never);
    assert.equal(head.size, again.tokens.length);
    await idle; // and it goes idle again
  } finally {
    clearInterval(keepAlive);
    rmSync(cacheDir, { recursive: true, force: true });
  }
});
