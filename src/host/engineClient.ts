import { fork, type ChildProcess } from 'node:child_process';
import { RpcEndpoint, type Params, type Result } from '../protocol/rpc';
import type { EngineApi, EngineSettings, HostApi } from '../protocol/engine';
import { EngineCrashedError } from '../engine/errors';
// The engine runs with glibc keeping big freed blocks in its heap instead of returning them to the OS: every forward
// pass allocates its outputs afresh, and fresh pages cost a fault each (code LM, 512 tokens, A/B in one session:
// plain forward 32-40 -> 29-35 ms, forward with every hook exposed 43-49 -> 37-40 ms).
import allocatorEnv from '../engine/allocatorEnv.json';

export interface EngineClientOptions {
  /** path of dist/engine.js */
  enginePath: string;
  settings: EngineSettings;
  /** extra environment for the engine process */
  env?: NodeJS.ProcessEnv;
  onLog?: (line: string) => void;
  /** sees every successful result (the status bar reads the model info results carry) */
  onResult?: (method: string, result: unknown) => void;
}

export interface CancelToken {
  onCancel(listener: () => void): void;
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
  restarts = 0;

  constructor(private readonly options: EngineClientOptions) {
    this.settings = options.settings;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async call<M extends keyof EngineApi & string>(method: M, params: Params<EngineApi, M>, cancel?: CancelToken): Promise<Result<EngineApi, M>> {
    const result = await this.ensure().call(method, params, cancel);
    this.options.onResult?.(method, result);
    return result;
  }

  configure(settings: EngineSettings): void {
    this.settings = settings;
    if (this.endpoint) void this.endpoint.call('engine/configure', settings).catch(() => undefined);
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
      execArgv: [],
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
    child.on('exit', (code, signal) => this.onExit(child, signal ? `killed by ${signal}` : `exit code ${code}`));
    child.on('error', (error) => this.onExit(child, error.message));
    const log = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.options.onLog?.(line);
    };
    child.stdout?.on('data', log);
    child.stderr?.on('data', log);
    this.child = child;
    this.endpoint = endpoint;
    void endpoint.call('engine/configure', this.settings).catch(() => undefined);
    return endpoint;
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
