import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RpcEndpoint, RpcError, type Envelope } from '../../src/protocol/rpc';

type Api = { add: [{ a: number; b: number }, number]; slow: [{ ms: number }, string]; fail: [Record<string, never>, null] };
type None = Record<string, never>;

function pair() {
  let server!: RpcEndpoint<Api, None>;
  let client!: RpcEndpoint<None, Api>;
  let cancelledOnServer = false;
  server = new RpcEndpoint<Api, None>({ send: (m: Envelope) => queueMicrotask(() => client.receive(structuredClone(m))) }, {
    add: ({ a, b }) => a + b,
    slow: ({ ms }, signal) =>
      new Promise((resolve) => {
        const t = setTimeout(() => resolve('done'), ms);
        signal.onCancel(() => {
          cancelledOnServer = true;
          clearTimeout(t);
        });
      }),
    fail: () => {
      throw new RpcError('ModelLoadError', 'model.onnx is truncated');
    },
  });
  client = new RpcEndpoint<None, Api>({ send: (m: Envelope) => queueMicrotask(() => server.receive(structuredClone(m))) }, {});
  return { client, server, wasCancelled: () => cancelledOnServer };
}

test('calls resolve with the handler result', async () => {
  const { client } = pair();
  assert.equal(await client.call('add', { a: 2, b: 3 }), 5);
});

test('errors cross with their code and message', async () => {
  const { client } = pair();
  await assert.rejects(client.call('fail', {}), (e: RpcError) => e.code === 'ModelLoadError' && /truncated/.test(e.message));
});

test('unknown methods and garbage are answered or ignored, never thrown', async () => {
  const { client, server } = pair();
  server.receive({ nonsense: true });
  server.receive('<img src=x onerror=alert(1)>');
  await assert.rejects((client as unknown as RpcEndpoint<None, Record<string, [unknown, unknown]>>).call('toString', {}), /Unknown method/);
});

test('cancel rejects the caller and reaches the handler', async () => {
  const { client, wasCancelled } = pair();
  let fire!: () => void;
  const p = client.call('slow', { ms: 5000 }, { onCancel: (l) => (fire = l) });
  await new Promise((r) => setTimeout(r, 5));
  fire();
  await assert.rejects(p, (e: RpcError) => e.code === 'Cancelled');
  await new Promise((r) => setTimeout(r, 5));
  assert.ok(wasCancelled());
});

test('close rejects every pending call and later calls', async () => {
  const { client } = pair();
  const p = client.call('slow', { ms: 5000 });
  client.close(new RpcError('EngineCrashed', 'gone'));
  await assert.rejects(p, /gone/);
  await assert.rejects(client.call('add', { a: 1, b: 1 }), /gone/);
});
