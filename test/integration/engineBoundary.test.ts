// The engine validates every message at its process boundary: null, wrong-typed or out-of-range
// params get a one-line InputError naming the method and the field, and the engine goes on
// answering (a bad engine/configure changes nothing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { EngineClient } from '../../src/host/engineClient';
import { builtEnginePath, CODE_LM } from '../helpers/paths';
import type { RpcError } from '../../src/protocol/rpc';
import type { EngineApi } from '../../src/protocol/engine';

const settings = { provider: 'cpu' as const, threads: 1 };
const RUN = '00000000-0000-0000-0000-000000000000';
const GLYPH_VIT = 'models/tensorloupe-glyph-vit';

/** One well-formed params object per method: each test breaks one field of it. */
const GOOD: { [M in keyof EngineApi]: EngineApi[M][0] } = {
  'engine/info': {},
  'engine/configure': { provider: 'cpu', threads: 1 },
  'model/load': { model: CODE_LM },
  'lm/nextToken': { model: CODE_LM, text: 'x = 1', topK: 5, maxTokens: 64, positionTopK: 2 },
  'lm/position': { runId: RUN, position: 0, topK: 5 },
  'lm/generate': { runId: RUN, mode: 'greedy', count: 1, maxNewTokens: 4, temperature: 1, topK: 0, topP: 1, seed: 1 },
  'lm/surprisal': { model: CODE_LM, text: 'x = 1', maxTokens: 64, alternatives: 3 },
  'attention/summary': { model: CODE_LM, text: 'x = 1', maxTokens: 64 },
  'attention/head': { runId: RUN, layer: 0, head: 0 },
  'lens/get': { model: CODE_LM, text: 'x = 1', maxTokens: 64, topK: 3 },
  'lens/target': { runId: RUN, position: 0, target: 'x' },
  'lens/page': { runId: RUN, from: 0, to: 1, topK: 3 },
  'induction/scan': { model: CODE_LM, seqLen: 8, batch: 1, seed: 0 },
  'dilution/get': { model: CODE_LM, text: 'x = 1', maxTokens: 64, lengths: [2], planIndex: 0 },
  'activations/export': { model: CODE_LM, text: 'x = 1', maxTokens: 64, names: ['hook_embed'], out: '/tmp/x.safetensors' },
  'probe/train': { model: CODE_LM, dataset: 'builtin:category', files: ['/tmp/x.ts'], layer: 'all', pool: 'mean', seed: 0 },
  'probe/save': { runId: RUN, layer: 0, out: '/tmp/x.json' },
  'probe/apply': { model: CODE_LM, probe: '/tmp/x.json', text: 'x = 1', maxTokens: 64 },
  'projector/project': { model: CODE_LM, source: 'resid', layer: 0, texts: [{ text: 'x = 1\ny = 2', file: 'a.py' }], method: 'pca', seed: 1, maxPoints: 100 },
  'projector/neighbours': { model: CODE_LM, token: 'def', k: 3 },
  'projector/analogy': { model: CODE_LM, a: 'def', b: 'x', c: 'y', k: 3 },
  'model/info': { model: CODE_LM },
  'probe/preview': { model: CODE_LM, dataset: 'builtin:category', files: ['/tmp/x.ts'] },
  'projector/predict': { projectionId: RUN, probe: { file: '/tmp/x.json' } },
  'baseline/compare': { model: CODE_LM, files: ['/tmp/x.ts'], text: 'x = 1', order: 3, maxTokens: 64, minMatch: 8 },
  'interventions/ablate': { model: CODE_LM, text: 'x', heads: [{ layer: 0, head: 0 }], mode: 'zero', topK: 5 },
  'interventions/patch': { model: CODE_LM, clean: 'a', corrupt: 'b', answer: 'a', wrong: 'b', hook: 'resid_pre' },
  'interventions/attribute': { model: CODE_LM, text: 'x', target: 'a' },
  'vision/classify': { model: GLYPH_VIT, file: '/tmp/x.png', topK: 3 },
  'vision/inspect': { model: GLYPH_VIT, file: '/tmp/x.png', topK: 3, fusion: 'mean', discardRatio: 0.5 },
  'vision/rollout': { runId: RUN, fusion: 'max', discardRatio: 0 },
  'vision/patch': { runId: RUN, layer: 0, head: 0, token: 0 },
  'vision/activations': { model: GLYPH_VIT, file: '/tmp/x.png', names: ['hook_embed'], out: '/tmp/x.safetensors' },
  'vision/patchProjection': { runId: RUN, layer: 0, method: 'pca', seed: 0, fusion: 'mean', discardRatio: 0 },
  'audio/classify': { model: CODE_LM, path: '/tmp/x.wav', topK: 3 },
  'audio/inspect': { model: CODE_LM, path: '/tmp/x.wav', topK: 3, columns: 100 },
  'audio/attention': { runId: RUN, window: 0, fusion: 'mean', discardRatio: 0.5 },
  'audio/activations': { model: CODE_LM, path: '/tmp/x.wav', names: ['hook_embed'], out: '/tmp/x.safetensors' },
  'future/train': { model: CODE_LM, files: ['/tmp/x.ts'], k: 2, seed: 0 },
  'future/apply': { runId: RUN, text: 'x = 1', maxTokens: 64 },
  'checkpoints/compare': { model: CODE_LM, seed: 0 },
  'crossmodal/fit': { from: GLYPH_VIT, to: CODE_LM, pairs: '/tmp/pairs.jsonl', methods: ['ridge'], layer: 1, seed: 0, testFraction: 0.3 },
};
const METHODS = Object.keys(GOOD) as (keyof EngineApi)[];

/** A value of the wrong type for a field that holds `good`. */
function wrongTypeFor(good: unknown): unknown {
  if (typeof good === 'string') return true; // not a number: lens/target takes text or an id
  if (typeof good === 'number') return 'abc';
  if (Array.isArray(good)) return 'not a list';
  return null;
}

// Sends anything, typed or not: the point is what an untyped peer may send.
function send(client: EngineClient, method: string, params: unknown): Promise<unknown> {
  return client.call(method as 'engine/info', params as Record<string, never>);
}

function isOneLineInputError(method: string, field: string) {
  return (e: RpcError) => {
    assert.equal(e.code, 'InputError', `${method}.${field}: ${e.code} ${e.message}`);
    assert.ok(e.message.startsWith(`${method}`), `names the method: ${e.message}`);
    assert.ok(e.message.includes(field), `names ${field}: ${e.message}`);
    assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
    assert.doesNotMatch(e.message, /Cannot read properties|undefined|is not a function/);
    return true;
  };
}

test('null params for every method give a clean InputError, and the engine still answers', async () => {
  const client = new EngineClient({ enginePath: builtEnginePath(), settings });
  try {
    const { pid } = await client.call('engine/info', {});
    for (const method of METHODS) {
      for (const bad of [null, 7, 'text', [1, 2]]) {
        await assert.rejects(send(client, method, bad), isOneLineInputError(method, 'params'), `${method}(${JSON.stringify(bad)})`);
      }
    }
    const after = await client.call('engine/info', {});
    assert.equal(after.pid, pid, 'the same engine process answered every bad message');
    assert.equal(client.restarts, 0);
  } finally {
    client.dispose();
  }
});

test('a null or wrong-typed field of every method is named in the error', async () => {
  const client = new EngineClient({ enginePath: builtEnginePath(), settings });
  try {
    for (const method of METHODS) {
      for (const [field, good] of Object.entries(GOOD[method])) {
        for (const bad of [null, wrongTypeFor(good)]) {
          const params = { ...GOOD[method], [field]: bad };
          await assert.rejects(send(client, method, params), isOneLineInputError(method, field), `${method}.${field} = ${JSON.stringify(bad)}`);
        }
      }
    }
    assert.equal(client.restarts, 0);
  } finally {
    client.dispose();
  }
});

test('out-of-range numbers are refused at the boundary: threads, counts, NaN', async () => {
  const client = new EngineClient({ enginePath: builtEnginePath(), settings });
  try {
    const cases: [keyof EngineApi, string, unknown][] = [
      ['engine/configure', 'threads', 1_000_000],
      ['engine/configure', 'threads', -3],
      ['engine/configure', 'threads', 1.5],
      ['engine/configure', 'provider', 'tpu'],
      ['lm/nextToken', 'maxTokens', 0],
      ['lm/nextToken', 'topK', -1],
      ['lm/nextToken', 'topK', Number.NaN],
      ['lm/generate', 'temperature', 0],
      ['lm/generate', 'temperature', Number.POSITIVE_INFINITY],
      ['lm/generate', 'count', 1000],
      ['induction/scan', 'seqLen', 1e15],
      ['dilution/get', 'lengths', new Array(5000).fill(2)],
      ['lens/target', 'target', -1],
    ];
    for (const [method, field, bad] of cases) {
      await assert.rejects(send(client, method, { ...GOOD[method], [field]: bad }), isOneLineInputError(method, field), `${method}.${field} = ${String(bad)}`);
    }
  } finally {
    client.dispose();
  }
});

test('a bad engine/configure changes nothing: the engine keeps its settings and still loads models', { skip: !existsSync(CODE_LM) && 'bundled model not built yet' }, async () => {
  const client = new EngineClient({ enginePath: builtEnginePath(), settings });
  try {
    const before = await client.call('engine/info', {});
    for (const bad of [null, { provider: 'cpu', threads: 1_000_000 }, { provider: 'cpu', threads: -1 }, { provider: null, threads: 2 }, { provider: 'cpu', threads: 2, cacheDir: 5 }]) {
      await assert.rejects(send(client, 'engine/configure', bad), (e: RpcError) => e.code === 'InputError');
    }
    const after = await client.call('engine/info', {});
    assert.deepEqual(after.settings, before.settings);
    assert.equal(after.settings.threads, 1);
    const r = await client.call('lm/nextToken', { model: CODE_LM, text: 'import os\n', topK: 3, maxTokens: 64 });
    assert.equal(r.next.length, 3);
    // a good configure still takes effect
    await client.call('engine/configure', { provider: 'cpu', threads: 2 });
    assert.equal((await client.call('engine/info', {})).settings.threads, 2);
  } finally {
    client.dispose();
  }
});

test('an unknown method is answered, not ignored, and its name is escaped', async () => {
  const client = new EngineClient({ enginePath: builtEnginePath(), settings });
  try {
    await assert.rejects(send(client, 'nope/\u001b[2Jclear', {}), (e: RpcError) => e.code === 'UnknownMethod' && !e.message.includes('\u001b') && e.message.includes('\\u001b'));
    await client.call('engine/info', {});
  } finally {
    client.dispose();
  }
});

test('settings the engine refuses are said in the log, and the engine runs on its defaults', async () => {
  const log: string[] = [];
  const client = new EngineClient({ enginePath: builtEnginePath(), settings: { provider: 'cpu', threads: 1_000_000 }, onLog: (l) => log.push(l) });
  try {
    const info = await client.call('engine/info', {});
    assert.equal(info.settings.threads, 0);
    assert.ok(log.some((l) => /settings not applied: engine\/configure: threads must be a whole number from 0 to 256/.test(l)), log.join('\n'));
  } finally {
    client.dispose();
  }
});

test('malformed envelopes sent straight down the IPC channel are ignored; the engine stays up and answers', async () => {
  const { fork } = await import('node:child_process');
  const child = fork(builtEnginePath(), [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  try {
    const replies: unknown[] = [];
    child.on('message', (m) => replies.push(m));
    const garbage: unknown[] = ['garbage', 42, null, [], { id: 'x' }, { id: 1, body: null }, { id: 2, body: { method: 5 } }, { id: 3, inReplyTo: 'no', body: {} },
      { id: 4, body: { method: '$/cancel', params: null } }, { id: 5, inReplyTo: 99, body: { err: null } }, { id: 6, body: { method: 'constructor', params: {} } }];
    for (const g of garbage) child.send(g as never);
    const answer = await new Promise<unknown>((resolve, reject) => {
      child.on('message', (m: { inReplyTo?: number; body: unknown }) => m.inReplyTo === 7 && resolve(m.body));
      child.on('exit', (code) => reject(new Error(`the engine exited (${code})`)));
      child.send({ id: 7, body: { method: 'engine/info', params: {} } });
    });
    assert.equal((answer as { ok: { pid: number } }).ok.pid, child.pid);
    // only the call to an unknown method ("constructor") was answered, with an error
    const errors = replies.filter((r) => (r as { body: { err?: { code: string } } }).body.err);
    assert.deepEqual(errors.map((r) => (r as { inReplyTo: number; body: { err: { code: string } } }).body.err.code), ['UnknownMethod']);
  } finally {
    child.kill();
  }
});
