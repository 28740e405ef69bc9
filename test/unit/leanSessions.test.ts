import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InferenceSession } from 'onnxruntime-node';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LeanSessions, weightBytes } from '../../src/engine/leanSessions';

/** stand-ins for onnxruntime sessions: LeanSessions only ever calls release() */
function fakes(): { create: (name: string) => () => Promise<InferenceSession>; released: string[] } {
  const released: string[] = [];
  return { released, create: (name) => async () => ({ release: async () => void released.push(name) }) as unknown as InferenceSession };
}

const settle = () => new Promise((r) => setImmediate(r));

test('past the budget the least recently used session is released, the rest kept', async () => {
  const { create, released } = fakes();
  const s = new LeanSessions(100, 250); // room for two
  for (const k of ['a', 'b', 'a', 'c']) await s.use(k, create(k), async () => undefined);
  await settle();
  assert.deepEqual(released, ['b'], 'a was used again after b, so b is the oldest');
  assert.equal(s.size, 2);
  await s.use('a', create('a2'), async () => undefined); // still cached: not created again
  await s.releaseAll();
  assert.deepEqual(released.sort(), ['a', 'b', 'c']);
  assert.equal(s.size, 0);
});

test('a session pushed out while a run holds it is released only when that run ends', async () => {
  const { create, released } = fakes();
  const s = new LeanSessions(100, 100); // room for one
  let finish!: () => void;
  const running = s.use('a', create('a'), () => new Promise<void>((r) => (finish = r)));
  await settle();
  await s.use('b', create('b'), async () => undefined);
  await settle();
  assert.deepEqual(released, [], 'a is still running');
  finish();
  await running;
  await settle();
  assert.deepEqual(released, ['a']);
});

test('the session in use stays whatever the model size, and a failed creation is tried again', async () => {
  const { create, released } = fakes();
  const s = new LeanSessions(10 ** 12, 1);
  await assert.rejects(s.use('x', () => Promise.reject(new Error('no such graph')), async () => undefined), /no such graph/);
  await settle();
  assert.equal(s.size, 0, 'the failed one is forgotten');
  assert.equal(await s.use('x', create('x'), async (session) => typeof session.release), 'function');
  assert.equal(s.size, 1);
  assert.deepEqual(released, []);
});

test('evictAll gives back the idle sessions now and a running one when its run ends', async () => {
  const { create, released } = fakes();
  const s = new LeanSessions(1, 10);
  await s.use('idle', create('idle'), async () => undefined);
  let finish!: () => void;
  const running = s.use('busy', create('busy'), () => new Promise<void>((r) => (finish = r)));
  await settle();
  s.evictAll();
  await settle();
  assert.deepEqual(released, ['idle']);
  assert.equal(s.size, 0);
  finish();
  await running;
  await settle();
  assert.deepEqual(released, ['idle', 'busy']);
});

test('weightBytes counts the .onnx and its own external data, not another variant\'s', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-weights-'));
  const files: Record<string, number> = { 'model.onnx': 10, 'model.onnx_data': 1000, 'model_fp16.onnx': 7, 'model_fp16.onnx_data': 500, 'tokenizer.json': 3 };
  for (const [f, n] of Object.entries(files)) writeFileSync(join(dir, f), Buffer.alloc(n));
  assert.equal(weightBytes(join(dir, 'model.onnx')), 1010);
  assert.equal(weightBytes(join(dir, 'model_fp16.onnx')), 507);
});
