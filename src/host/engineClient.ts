import { fork, type ChildProcess } from 'node:child_process';
import { CancelledError, RpcEndpoint, RpcError, type CallToken, type Params, type Result } from '../protocol/rpc';
import type { EngineApi, EngineSettings, HostApi } from '../protocol/engine';
import { EngineCrashedError } from '../engine/errors';
// The engine runs with glibc reusing freed blocks under 32 MB from its heap (every forward pass allocates its
// outputs afresh, and fresh pages cost a fault each: code LM, 512 tokens, plain forward 32-40 -> 29-35 ms) but
// mapping bigger ones (2,048-token attention scores: 64 MB) separately, so they go back to the OS when freed.
// Keeping every block in the heap (MALLOC_MMAP_MAX_=0, before) held 960 MB after load and idle release, where this
// gives back to 590 MB (bench/rssLoadProbe.ts); forward times of the two did not differ beyond noise here.
import allocatorEnv from '../engine/allocatorEnv.json';
// and with V8's garbage collector on its main thread only. onnxruntime's intra-op threads use every
// core, and V8's parallel and concurrent GC helpers took cores from them: each forward allocates
// its outputs afresh (logits: 25 MB at 128 tokens on a 124M model), so every request starts GC
// work. On the 2-core bench machine, next-token at 128 tokens went from 1.10-1.13x a plain
// forward to 1.04-1.07x (bench/realSize.ts, same flag on both sides); the engine's heap is small
// (30-100 MB), so its pauses stay a few ms, in a process that draws nothing.
import engineExecArgv from '../engine/engineExecArgv.json';

/** How long a cancelled request may take to stop by itself before the engine is restarted. */
export const HARD_CANCEL_MS = 1500;

export interface EngineClientOptions {
  /** path of dist/engine.js */
  enginePath: string;
  settings: EngineSettings;
  /** extra environment for the engine process */
  env?: NodeJS.ProcessEnv;
  onLog?: (line: string) => void;
  /** sees every successful result (the status bar reads the model info results carry) */
  onResult?: (method: string, result: unknown) => void;
  /**
   * Every request's `model` goes through this first (the host's modelGate: a Hub repo id becomes
   * its cache folder, an untrusted workspace's model waits for consent); it may throw to refuse.
   */
  prepareModel?: (model: string) => Promise<string>;
  /** the engine's V8 flags (default engineExecArgv.json); a runtime that refuses them gets none */
  execArgv?: string[];
}

/** Node's exit code for a command-line option it does not know */
const BAD_OPTION_EXIT = 9;

/** A call's Cancel, and (optionally) where its progress goes: runWithProgress gives one of each. */
export type CancelToken = CallToken;

/** Fires when either token does (a progress notification's Cancel, or the panel closing); progress goes to the first that listens. */
export function eitherCancel(a: CancelToken, b: CancelToken): CancelToken {
  const listener = a.progress ? a : b.progress ? b : undefined;
  return {
    ...(listener ? { progress: (update) => listener.progress?.(update) } : {}),
    onCancel: (listener) => {
      let fired = false;
      const once = () => {
        if (!fired) {
          fired = true;
          listener();
        }
      };
      a.onCancel(once);
      b.onCancel(once);
    },
  };
}

/**
 * The host's side of the engine process. Starts it on first use, rejects every pending call
 * with a clear error when it dies, and starts a new one on the next call. No `vscode` import, so
 * it is tested directly.
 */
export class EngineClient {
  private child: ChildProcess | undefined;
  private endpoint: RpcEndpoint<HostApi, EngineApi> | undefined;
  private settings: EngineSettings;
  private disposed = false;
  /** cancelled requests that have not stopped yet (each settles when it stops or the engine dies) */
  private readonly stopping = new Set<Promise<void>>();
  private execArgv: string[];
  restarts = 0;

  constructor(private readonly options: EngineClientOptions) {
    this.settings = options.settings;
    this.execArgv = options.execArgv ?? engineExecArgv;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * One engine request. When `cancel` fires the engine is asked to stop; the call rejects with
   * CancelledError once the request has stopped, or once the engine has been restarted because it
   * did not stop within HARD_CANCEL_MS (a forward pass, a tokenizer's regex or any other
   * synchronous work cannot be interrupted in place). Calls made meanwhile wait, so they reach
   * an engine that is not about to be killed. The engine's progress reports for the request go
   * to `cancel.progress` until it is cancelled or settles.
   */
  async call<M extends keyof EngineApi & string>(method: M, params: Params<EngineApi, M>, cancel?: CancelToken): Promise<Result<EngineApi, M>> {
    // params are checked by the engine; null or a non-object reaches it as sent, and is refused there
    // every model a request names: `model`, or a cross-modal map's `from` and `to`
    if (this.options.prepareModel && typeof params === 'object' && params !== null) {
      for (const key of ['model', 'from', 'to'] as const) {
        const model = (params as Partial<Record<typeof key, unknown>>)[key];
        if (typeof model === 'string') params = { ...params, [key]: await this.options.prepareModel(model) };
      }
    }
    while (this.stopping.size > 0) await Promise.all(this.stopping);
    const endpoint = this.ensure();
    const child = this.child;
    let cancelled = false;
    const { id, result } = endpoint.start(method, params, cancel?.progress ? (update) => {
      if (!cancelled) cancel.progress?.(update);
    } : undefined);
    cancel?.onCancel(() => {
      if (cancelled) return;
      cancelled = true;
      endpoint.cancel(id);
      const timer = setTimeout(() => {
        if (this.child === child) this.kill(`cancelled by the user; the request did not stop within ${HARD_CANCEL_MS / 1000} s`);
      }, HARD_CANCEL_MS);
      const stopped: Promise<void> = result.then(
        () => undefined,
        () => undefined,
      ).finally(() => {
        clearTimeout(timer);
        this.stopping.delete(stopped);
      });
      this.stopping.add(stopped);
    });
    let value: Result<EngineApi, M>;
    try {
      value = await result;
    } catch (error) {
      throw cancelled ? new CancelledError() : error;
    }
    if (cancelled) {
      // it finished before it saw the cancel (said in the log: work that never checks shows up here)
      this.options.onLog?.(`${method} finished before it saw the cancel`);
      throw new CancelledError();
    }
    this.options.onResult?.(method, value);
    return value;
  }

  configure(settings: EngineSettings): void {
    this.settings = settings;
    if (this.endpoint) void this.endpoint.call('engine/configure', settings).catch((e: Error) => this.refused(e));
  }

  /** Hard cancel: a running session.run cannot be interrupted, so stop the process. */
  kill(reason = 'stopped by the user'): void {
    const child = this.child;
    if (!child) return;
    this.onExit(child, reason);
    child.kill('SIGKILL');
  }

  dispose(): void {
    this.disposed = true;
    this.kill('the extension is shutting down');
  }

  private ensure(): RpcEndpoint<HostApi, EngineApi> {
    if (this.disposed) throw new EngineCrashedError('the extension is shutting down');
    if (this.endpoint && this.child) return this.endpoint;
    const child = fork(this.options.enginePath, [], {
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      // onnxruntime telemetry off in the engine (src/engine/telemetryOff.ts says why); last, so nothing overrides it
      env: { ...process.env, ...allocatorEnv, ...this.options.env, ELECTRON_RUN_AS_NODE: '1', ORT_DISABLE_TELEMETRY: '1' },
      execArgv: this.execArgv,
    });
    const endpoint = new RpcEndpoint<HostApi, EngineApi>(
      {
        send: (m) => {
          if (!child.connected) throw new Error('engine disconnected');
          child.send(m);
        },
      },
      {},
    );
    child.on('message', (m) => endpoint.receive(m));
    child.on('exit', (code, signal) => {
      if (code === BAD_OPTION_EXIT && this.execArgv.length > 0) {
        // a runtime whose V8 lacks a flag: the engine runs without them from the next start on
        this.options.onLog?.(`the engine's runtime refused ${this.execArgv.join(' ')}; starting it without them`);
        this.execArgv = [];
      }
      this.onExit(child, signal ? `killed by ${signal}` : `exit code ${code}`);
    });
    child.on('error', (error) => this.onExit(child, error.message));
    const log = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.options.onLog?.(line);
    };
    child.stdout?.on('data', log);
    child.stderr?.on('data', log);
    this.child = child;
    this.endpoint = endpoint;
    void endpoint.call('engine/configure', this.settings).catch((e: Error) => this.refused(e));
    return endpoint;
  }

  /** A refused configure leaves the engine on its previous settings; the output channel says why. */
  private refused(error: Error): void {
    if (error instanceof RpcError && error.code === 'InputError') this.options.onLog?.(`settings not applied: ${error.message}`);
  }

  private onExit(child: ChildProcess, detail: string): void {
    if (this.child !== child) return;
    const endpoint = this.endpoint;
    this.child = undefined;
    this.endpoint = undefined;
    this.restarts++;
    this.options.onLog?.(`engine process ${child.pid} stopped: ${detail}`);
    endpoint?.close(new EngineCrashedError(detail));
  }
}
