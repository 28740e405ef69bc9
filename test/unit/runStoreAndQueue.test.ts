// What bounds the engine's memory: RunStore (runs kept for panels, by count and bytes, least
// recently used dropped first) and RequestQueue (heavy requests take turns; the idle release).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunStore } from '../../src/engine/runStore';
import { RequestQueue } from '../../src/engine/requestQueue';
import type { CancelSignal, RpcError } from '../../src/protocol/rpc';

test('RunStore drops the least recently used run past its count or byte bound, and always keeps the newest', () => {
  const store = new RunStore<string>(3, 100);
  store.put('a', 'A', 10);
  store.put('b', 'B', 10);
  store.put('c', 'C', 10);
  assert.equal(store.get('a'), 'A'); // a is now the most recent
  store.put('d', 'D', 10);
  assert.equal(store.get('b'), undefined, 'count bound: b, least recently used, went');
  assert.deepEqual([store.get('a'), store.get('c'), store.get('d')], ['A', 'C', 'D']);
  store.put('e', 'E', 85); // 10 + 10 + 10 + 85 > 100
  assert.ok(store.bytes <= 100, `bytes ${store.bytes}`);
  assert.equal(store.get('e'), 'E');
  store.put('huge', 'H', 500);
  assert.equal(store.get('huge'), 'H', 'the newest run stays even over the byte bound');
  assert.equal(store.size, 1);
  store.clear();
  assert.equal(store.size, 0);
  assert.equal(store.bytes, 0);
});

function signal(): CancelSignal & { cancel(): void } {
  const listeners: (() => void)[] = [];
  const s = {
    cancelled: false,
    onCancel: (l: () => void) => (s.cancelled ? l() : listeners.push(l)),
    cancel: () => {
      s.cancelled = true;
      listeners.splice(0).forEach((l) => l());
    },
  };
  return s;
}

test('RequestQueue runs at most `limit` at once, in order; a cancelled waiter leaves at once; idle fires after the last', async () => {
  let idle!: () => void;
  const wentIdle = new Promise<void>((r) => (idle = r));
  const queue = new RequestQueue(2, { ms: 1, onIdle: () => idle() });
  const keepAlive = setInterval(() => undefined, 1000); // the idle timer is unref'd: it alone would let the process end
  let running = 0;
  let most = 0;
  const order: number[] = [];
  const gates: (() => void)[] = [];
  const work = (i: number) => async () => {
    running++;
    most = Math.max(most, running);
    order.push(i);
    await new Promise<void>((r) => gates.push(r));
    running--;
    return i;
  };
  const waiter = signal();
  const jobs = [0, 1, 2, 3].map((i) => queue.run(i === 2 ? waiter : signal(), work(i)));
  await new Promise((r) => setImmediate(r));
  assert.equal(queue.running, 2);
  assert.equal(queue.queued, 2);
  waiter.cancel();
  await assert.rejects(jobs[2], (e: RpcError) => e.code === 'Cancelled');
  assert.equal(queue.queued, 1);
  while (gates.length || queue.running) {
    gates.splice(0).forEach((g) => g());
    await new Promise((r) => setImmediate(r));
  }
  assert.deepEqual(await Promise.all([jobs[0], jobs[1], jobs[3]]), [0, 1, 3]);
  assert.equal(most, 2);
  assert.deepEqual(order, [0, 1, 3]);
  await wentIdle;
  clearInterval(keepAlive);
});
