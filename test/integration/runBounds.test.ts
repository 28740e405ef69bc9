// The engine keeps a bounded number of runs for panels to slice: past the bound, the oldest run id
// answers "run it again" as a clean InputError, the newest still answers, and nothing crashes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineClient } from '../../src/host/engineClient';
import { builtEnginePath, CODE_LM } from '../helpers/paths';
import type { RpcError } from '../../src/protocol/rpc';

const skip = !existsSync(CODE_LM) && 'bundled model not built yet';

test('attention and next-token runs past the bound expire cleanly; the newest still answers', { skip, timeout: 120_000 }, async () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'tl-bounds-'));
  const client = new EngineClient({ enginePath: builtEnginePath(), settings: { provider: 'cpu', threads: 1, cacheDir } });
  try {
    const summaries = [];
    for (let i = 0; i < 3; i++) summaries.push(await client.call('attention/summary', { model: CODE_LM, text: `x = ${i}\n`, maxTokens: 64 }));
    await assert.rejects(client.call('attention/head', { runId: summaries[0].runId, layer: 0, head: 0 }), (e: RpcError) => e.code === 'InputError' && /no longer in the engine/.test(e.message) && /again/.test(e.message));
    const head = await client.call('attention/head', { runId: summaries[2].runId, layer: 0, head: 0 });
    assert.equal(head.size, summaries[2].tokens.length);

    const runs = [];
    for (let i = 0; i < 9; i++) runs.push(await client.call('lm/nextToken', { model: CODE_LM, text: `y = ${i}\n`, topK: 3, maxTokens: 64 }));
    await assert.rejects(client.call('lm/position', { runId: runs[0].runId, position: 0, topK: 3 }), (e: RpcError) => e.code === 'InputError' && /no longer in the engine/.test(e.message) && /again/.test(e.message));
    const pos = await client.call('lm/position', { runId: runs[8].runId, position: 0, topK: 3 });
    assert.equal(pos.top.length, 3);
    assert.equal(client.restarts, 0);
  } finally {
    client.dispose();
    rmSync(cacheDir, { recursive: true, force: true });
  }
});
