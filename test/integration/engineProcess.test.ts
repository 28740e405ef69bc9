import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EngineClient } from '../../src/host/engineClient';
import { builtEnginePath, CODE_LM } from '../helpers/paths';
import type { RpcError } from '../../src/protocol/rpc';
import { readFileSync } from 'node:fs';
import allocatorEnv from '../../src/engine/allocatorEnv.json';
import engineExecArgv from '../../src/engine/engineExecArgv.json';

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
      // and with V8's collector on its main thread (engineClient.ts says why)
      const argv = readFileSync(`/proc/${info.pid}/cmdline`, 'utf8').split('\0');
      assert.ok(engineExecArgv.includes('--single-threaded-gc'));
      for (const flag of engineExecArgv) assert.ok(argv.includes(flag), `${flag} on the engine's command line`);
    }
  } finally {
    client.dispose();
  }
});

test('a runtime that refuses the engine\'s V8 flags: the first start fails with a clear error, the next runs without them', async () => {
  const logs: string[] = [];
  const client = new EngineClient({ enginePath: builtEnginePath(), settings, execArgv: ['--tensorloupe-no-such-v8-flag'], onLog: (l) => logs.push(l) });
  try {
    await assert.rejects(client.call('engine/info', {}), (e: RpcError) => e.code === 'EngineCrashed');
    const info = await client.call('engine/info', {});
    assert.equal(info.pid, client.pid);
    assert.ok(logs.some((l) => /refused --tensorloupe-no-such-v8-flag; starting it without them/.test(l)), logs.join('\n'));
    if (process.platform === 'linux') assert.ok(!readFileSync(`/proc/${info.pid}/cmdline`, 'utf8').includes('--tensorloupe-no-such-v8-flag'));
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
