import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanProgress, ProgressThrottle, type ProgressUpdate, type ThrottleClock } from '../../src/protocol/progress';
import { RpcEndpoint, type CancelSignal, type Envelope } from '../../src/protocol/rpc';
import { RequestProgress } from '../../src/engine/progress';
import { progressStep } from '../../src/host/progressSteps';
import { progressLine } from '../../src/cli/progressLine';

/** A clock the test moves by hand; timers fire when it passes them. */
function fakeClock() {
  let now = 0;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 1;
  const clock: ThrottleClock = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const t = { at: now + ms, fn, id: nextId++ };
      timers.push(t);
      return t.id;
    },
    clearTimeout: (id) => {
      timers = timers.filter((t) => t.id !== id);
    },
  };
  const advance = (ms: number) => {
    now += ms;
    for (const t of timers.filter((t) => t.at <= now)) {
      timers = timers.filter((x) => x !== t);
      t.fn();
    }
  };
  return { clock, advance, pending: () => timers.length };
}

test('the throttle passes the first update, then at most one per interval, the latest of those that came too soon', () => {
  const { clock, advance } = fakeClock();
  const sent: ProgressUpdate[] = [];
  const t = new ProgressThrottle((u) => sent.push(u), 100, clock);
  for (let i = 1; i <= 50; i++) {
    t.report({ done: i, total: 1000 });
    advance(10); // 100 updates a second
  }
  // 500 ms of updates at 100/s: the first at once, then every 100 ms the latest that had to wait
  assert.deepEqual(sent.map((u) => u.done), [1, 10, 20, 30, 40, 50]);
  const { clock: c2, advance: a2 } = fakeClock();
  const late: number[] = [];
  const t2 = new ProgressThrottle((u) => late.push(u.done), 100, c2);
  t2.report({ done: 1, total: 9 });
  a2(30);
  t2.report({ done: 2, total: 9 });
  a2(30);
  t2.report({ done: 3, total: 9 }); // then the work pauses (a long forward pass, say)
  assert.deepEqual(late, [1]);
  a2(40);
  assert.deepEqual(late, [1, 3], 'the last one that came too soon goes out when its interval ends, not never');
  a2(500);
  assert.deepEqual(late, [1, 3]);
});

test('the throttle lets done = total through at once, and sends nothing after close', () => {
  const { clock, advance, pending } = fakeClock();
  const sent: ProgressUpdate[] = [];
  const t = new ProgressThrottle((u) => sent.push(u), 100, clock);
  t.report({ done: 1, total: 10 });
  t.report({ done: 5, total: 10 });
  t.report({ done: 10, total: 10, message: 'end' });
  assert.deepEqual(sent, [{ done: 1, total: 10 }, { done: 10, total: 10, message: 'end' }]);
  advance(50);
  t.report({ done: 10, total: 10 });
  t.report({ done: 3, total: 9 });
  t.close();
  assert.equal(pending(), 0, 'close drops the waiting update and its timer');
  advance(500);
  t.report({ done: 4, total: 9 });
  assert.equal(sent.length, 3);
});

test('close(true) sends the waiting update first (an answered call ends with its last state)', () => {
  const { clock } = fakeClock();
  const sent: number[] = [];
  const t = new ProgressThrottle((u) => sent.push(u.done), 100, clock);
  t.report({ done: 1, total: 10 });
  t.report({ done: 7, total: 10 });
  t.close(true);
  assert.deepEqual(sent, [1, 7]);
});

test('updates are cleaned: numbers finite and inside [0, total], messages one short line', () => {
  assert.equal(cleanProgress({ done: 1, total: 0 }), undefined);
  assert.equal(cleanProgress({ done: NaN, total: 3 }), undefined);
  assert.equal(cleanProgress('<b>'), undefined);
  assert.deepEqual(cleanProgress({ done: 9, total: 3 }), { done: 3, total: 3 });
  assert.deepEqual(cleanProgress({ done: -1, total: 3, message: 'a\nb\x1b[2J' }), { done: 0, total: 3, message: 'a\\nb\\x1b[2J' });
  assert.equal(cleanProgress({ done: 1, total: 3, message: 'x'.repeat(1000) })?.message?.length, 200);
});

test('RequestProgress: weighted parts give one non-decreasing figure that ends at the total', () => {
  const seen: ProgressUpdate[] = [];
  const signal: CancelSignal = { cancelled: false, onCancel: () => undefined, progress: (u) => seen.push(u) };
  const p = new RequestProgress(signal, { collect: 40, pca: 10, fit: 50 });
  p.report('collect', 1, 4, 'a');
  p.report('collect', 4, 4, 'b');
  p.skip('pca');
  p.report('fit', 0, 2, 'c');
  p.report('collect', 2, 4, 'behind'); // a part never moves back
  p.report('fit', 2, 2, 'd');
  assert.deepEqual(seen.map((u) => u.done), [10, 40, 50, 50, 100]);
  assert.ok(seen.every((u) => u.total === 100));
  assert.deepEqual(seen.map((u) => u.message), ['a', 'b', 'c', 'behind', 'd']);
});

test('the host bar only moves forward', () => {
  assert.deepEqual(progressStep(0, { done: 25, total: 100, message: 'UMAP epoch 120/500' }), { message: 'UMAP epoch 120/500', increment: 25 });
  assert.deepEqual(progressStep(50, { done: 1, total: 4 }), {});
  assert.deepEqual(progressStep(50, { done: 3, total: 4, message: 'layer 3/9' }), { message: 'layer 3/9', increment: 25 });
});

test('the CLI line is drawn on a terminal only, and wiped', () => {
  const written: string[] = [];
  const tty = progressLine({ isTTY: true, columns: 40, write: (t) => written.push(t) });
  tty.report({ done: 43, total: 100, message: 'UMAP epoch 120/500' });
  tty.close();
  assert.deepEqual(written, ['\r\x1b[Ktensorloupe: 43% UMAP epoch 120/500', '\r\x1b[K']);
  const piped: string[] = [];
  const pipe = progressLine({ isTTY: false, write: (t) => piped.push(t) });
  pipe.report({ done: 1, total: 2 });
  pipe.close();
  assert.deepEqual(piped, []);
});

type Api = { count: [{ n: number }, string] };
type None = Record<string, never>;

test('progress crosses the channel to its call, stops at cancel, and arrives before the answer', async () => {
  let server!: RpcEndpoint<Api, None>;
  let client!: RpcEndpoint<None, Api>;
  const order: string[] = [];
  server = new RpcEndpoint<Api, None>({ send: (m: Envelope) => queueMicrotask(() => client.receive(structuredClone(m))) }, {
    count: async ({ n }, signal) => {
      for (let i = 1; i <= n; i++) {
        if (signal.cancelled) return 'stopped';
        signal.progress?.({ done: i, total: n, message: `step ${i}/${n}` });
        await new Promise((r) => setTimeout(r, 5));
      }
      return 'counted';
    },
  });
  client = new RpcEndpoint<None, Api>({ send: (m: Envelope) => queueMicrotask(() => server.receive(structuredClone(m))) }, {});

  const seen: ProgressUpdate[] = [];
  const r = await client.call('count', { n: 40 }, { onCancel: () => undefined, progress: (u) => (seen.push(u), order.push('progress')) }).then((v) => (order.push('answer'), v));
  assert.equal(r, 'counted');
  assert.equal(order.at(-1), 'answer');
  assert.ok(seen.length >= 2 && seen.length < 40, `throttled: ${seen.length} of 40 updates`);
  assert.deepEqual(seen.at(-1), { done: 40, total: 40, message: 'step 40/40' });

  assert.deepEqual(order.slice(-2), ['progress', 'answer']);
});

test('a cancelled call stops sending progress at once, even while its handler carries on', async () => {
  let server!: RpcEndpoint<Api, None>;
  let client!: RpcEndpoint<None, Api>;
  const wire: { id: number; at: number }[] = [];
  let cancelSeen = false;
  server = new RpcEndpoint<Api, None>(
    {
      send: (m: Envelope) => {
        const b = m.body as { method?: string; params?: { id: number } };
        if (b.method === '$/progress') wire.push({ id: b.params!.id, at: cancelSeen ? 1 : 0 });
        queueMicrotask(() => client.receive(structuredClone(m)));
      },
    },
    {
      // a handler that never looks at its signal: the channel itself must stop its progress
      count: async ({ n }, signal) => {
        signal.onCancel(() => (cancelSeen = true));
        for (let i = 1; i <= n; i++) {
          signal.progress?.({ done: i, total: n });
          await new Promise((r) => setTimeout(r, 5));
        }
        return 'counted';
      },
    },
  );
  client = new RpcEndpoint<None, Api>({ send: (m: Envelope) => queueMicrotask(() => server.receive(structuredClone(m))) }, {});
  const heard: ProgressUpdate[] = [];
  const other: ProgressUpdate[] = [];
  const { id, result } = client.start('count', { n: 80 }, (u) => heard.push(u));
  const untouched = client.start('count', { n: 80 }, (u) => other.push(u));
  await new Promise((r) => setTimeout(r, 150));
  assert.ok(heard.length > 0, 'progress arrived before the cancel');
  client.cancel(id);
  assert.equal(await result, 'counted'); // start: the handler's own answer still arrives
  assert.equal(await untouched.result, 'counted');
  assert.ok(cancelSeen);
  assert.equal(wire.filter((w) => w.id === id && w.at === 1).length, 0, 'no progress of the cancelled call after its cancel');
  assert.ok(wire.filter((w) => w.id === untouched.id && w.at === 1).length > 0, 'the other call goes on reporting');
  assert.equal(other.at(-1)?.done, 80);
});
