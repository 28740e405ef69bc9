import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineClient } from '../../src/host/engineClient';
import { builtEnginePath, CODE_LM } from '../helpers/paths';
import type { RpcError } from '../../src/protocol/rpc';
import { readFileSync } from 'node:fs';
import allocatorEnv from '../../src/engine/allocatorEnv.json';

const settings = { provider: 'cpu' as const, threads: 1 };

test('the engine runs in its own process and answers', async () => {
  const client = new EngineClient({ enginePath: builtEnginePath(), settings });
  try {
    const info = await client.call('engine/info', {});
    assert.notEqual(info.pid, process.pid);
    assert.equal(info.pid, client.pid);
    assert.match(info.ortVersion, /^\d+\.\d+/);
    if (process.platform === 'linux') {
      // the engine starts with the allocator settings that keep big freed blocks in its heap
      const environ = readFileSync(`/proc/${info.pid}/environ`, 'utf8').split('\0');
      for (const [k, v] of Object.entries(allocatorEnv)) assert.ok(environ.includes(`${k}=${v}`), `${k}=${v} in the engine's environment`);
    }
  } finally {
    client.dispose();
  }
});

test('killing the engine mid-request rejects with a clear error, and the next request works', async () => {
  const client = new EngineClient({ enginePath: builtEnginePath(), settings, env: { TENSORLOUPE_ENGINE_TEST_DELAY_MS: '400' } });
  try {
    const first = await client.call('engine/info', {});
    const pending = client.call('engine/info', {});
    await new Promise((r) => setTimeout(r, 100));
    process.kill(first.pid, 'SIGKILL');
    await assert.rejects(pending, (e: RpcError) => e.code === 'EngineCrashed' && /engine process stopped/.test(e.message) && /next request/.test(e.message));
    const again = await client.call('engine/info', {});
    assert.notEqual(again.pid, first.pid);
    assert.equal(client.restarts, 1);
  } finally {
    client.dispose();
  }
});

test('a model error crosses the process boundary with its code', async () => {
  const client = new EngineClient({ enginePath: builtEnginePath(), settings });
  try {
    await assert.rejects(client.call('model/load', { model: '/nonexistent/model' }), (e: RpcError) => e.code === 'ModelLoadError' && /does not exist/.test(e.message));
  } finally {
    client.dispose();
  }
});

test('typed arrays cross the IPC channel intact', { skip: !require('node:fs').existsSync(CODE_LM) && 'bundled model not built yet' }, async () => {
  const client = new EngineClient({ enginePath: builtEnginePath(), settings });
  try {
    const r = await client.call('lm/nextToken', { model: CODE_LM, text: 'import os\n', topK: 5, maxTokens: 64 });
    assert.ok(r.lastLogits instanceof Float32Array);
    assert.equal(r.lastLogits.length, r.model.vocabSize);
  } finally {
    client.dispose();
  }
});
