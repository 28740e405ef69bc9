// An exception thrown outside a call's promise chain must not leave the caller waiting forever:
// the engine answers every running call with it (failRunning), once. A malformed error reply
// still settles the call it answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RpcEndpoint, RpcError, type Envelope } from '../../src/protocol/rpc';

type Api = { hang: [Record<string, never>, string]; quick: [Record<string, never>, string] };
type None = Record<string, never>;

test('failRunning answers every running call with the error, cancels its work, and a late result is not sent twice', async () => {
  const replies: Envelope[] = [];
  let finishLate!: () => void;
  let cancelled = 0;
  let server!: RpcEndpoint<Api, None>;
  const client = new RpcEndpoint<None, Api>({ send: (m) => queueMicrotask(() => server.receive(structuredClone(m))) }, {});
  server = new RpcEndpoint<Api, None>(
    {
      send: (m) => {
        replies.push(m);
        queueMicrotask(() => client.receive(structuredClone(m)));
      },
    },
    {
      hang: (_p, signal) =>
        new Promise((resolve) => {
          signal.onCancel(() => cancelled++);
          finishLate = () => resolve('late');
        }),
      quick: () => 'ok',
    },
  );
  const a = client.call('hang', {});
  const b = client.call('hang', {});
  await new Promise((r) => setTimeout(r, 5));
  server.failRunning(new RpcError('InternalError', 'boom in a timer'));
  await assert.rejects(a, (e: RpcError) => e.code === 'InternalError' && /boom/.test(e.message));
  await assert.rejects(b, (e: RpcError) => e.code === 'InternalError');
  assert.equal(cancelled, 2);
  const before = replies.length;
  finishLate();
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(replies.length, before, 'no second reply for a call already answered');
  assert.equal(await client.call('quick', {}), 'ok', 'the endpoint still serves');
});

test('a reply whose err is null or malformed rejects the call instead of throwing in receive', async () => {
  const sent: Envelope[] = [];
  const client = new RpcEndpoint<None, Api>({ send: (m) => sent.push(m) }, {});
  const p = client.call('quick', {});
  assert.doesNotThrow(() => client.receive({ id: 99, inReplyTo: sent[0].id, body: { err: null } }));
  await assert.rejects(p, (e: RpcError) => e.code === 'InternalError' && /malformed/.test(e.message));
});
