// Engine process entry: forked by the extension host with an IPC channel and 'advanced'
// serialization, so typed arrays arrive intact. onnxruntime's session.run blocks the thread it
// runs on; here that blocks only this process, never the editor.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RpcEndpoint, RpcError, type Handlers } from '../protocol/rpc';
import type { EngineApi, HostApi } from '../protocol/engine';
import { createEngineHandlers } from './engineHandlers';

function withTestDelay(handlers: Handlers<EngineApi>, delayMs: number): Handlers<EngineApi> {
  if (!(delayMs > 0)) return handlers;
  // Test hook (TENSORLOUPE_ENGINE_TEST_DELAY_MS): hold each request so a test can kill the
  // process mid-request and check that the host recovers.
  const delayed = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(handlers) as [string, (p: unknown, s: unknown) => unknown][]) {
    delayed[name] = async (p: unknown, s: unknown) => {
      await new Promise((r) => setTimeout(r, delayMs));
      return fn(p, s);
    };
  }
  return delayed as Handlers<EngineApi>;
}

if (!process.send) {
  process.stderr.write('tensorloupe engine: must be started by the extension host with an IPC channel\n');
  process.exit(2);
}

/** A full garbage collection for the idle release: V8's gc(), exposed without a command-line flag. */
function garbageCollector(): (() => void) | undefined {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  return typeof gc === 'function' ? () => (gc as () => void)() : undefined;
}

const handlers = withTestDelay(createEngineHandlers(undefined, { collectGarbage: garbageCollector() }), Number(process.env.TENSORLOUPE_ENGINE_TEST_DELAY_MS ?? 0));
const endpoint = new RpcEndpoint<EngineApi, HostApi>(
  { send: (m) => process.send?.(m) },
  handlers,
);
process.on('message', (m) => endpoint.receive(m));
process.on('disconnect', () => process.exit(0)); // the host went away
// Handlers catch their own errors; one thrown outside a call's promise chain (a callback, a
// timer) is logged and every running call is answered with it, so none waits forever. The engine
// keeps serving: each call's state is its own.
process.on('uncaughtException', (error) => {
  process.stderr.write(`tensorloupe engine: ${error.stack ?? error.message}\n`);
  const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  endpoint.failRunning(new RpcError('InternalError', `The engine failed while running this request: ${reason}`));
});
