// One small typed RPC used on every channel (host⇄engine, host⇄panel).
// Envelope: {id, inReplyTo?, body}. A call's body is {method, params}; a reply's body is
// {ok} or {err: {code, message}}. A call can be cancelled with the `$/cancel` method, and every
// pending call is rejected when the transport closes. The side serving a call may report its
// progress with `$/progress` notifications (progress.ts), routed to that call's listener.
import { escapeControl } from '../util/escape';
import { cleanProgress, PROGRESS_METHOD, ProgressThrottle, type ProgressUpdate } from './progress';

/** A channel's API: method name → [params, result]. */
export type ApiShape = Record<string, [unknown, unknown]>;
export type Params<A extends ApiShape, M extends keyof A> = A[M][0];
export type Result<A extends ApiShape, M extends keyof A> = A[M][1];

export interface WireError {
  code: string;
  message: string;
}

export type Body =
  | { method: string; params: unknown }
  | { ok: unknown }
  | { err: WireError };

export interface Envelope {
  id: number;
  inReplyTo?: number;
  body: Body;
}

export const CANCEL_METHOD = '$/cancel';

/** Error that crosses a channel with a code the other side can act on. */
export class RpcError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

export class CancelledError extends RpcError {
  constructor() {
    super('Cancelled', 'The request was cancelled.');
  }
}

/**
 * What a handler gets with its params: the call's cancel, and where to report its progress.
 * `progress` is throttled by whoever made the signal (10 a second) and does nothing once the call
 * is cancelled or answered; it is optional so a caller that shows no progress need not give one.
 */
export interface CancelSignal {
  readonly cancelled: boolean;
  onCancel(listener: () => void): void;
  progress?(update: ProgressUpdate): void;
}

/** What a caller may pass with a call: a cancel it can fire, and a listener for the call's progress. */
export interface CallToken {
  onCancel(listener: () => void): void;
  progress?(update: ProgressUpdate): void;
}

export type Handlers<A extends ApiShape> = {
  [M in keyof A]: (params: A[M][0], signal: CancelSignal) => Promise<A[M][1]> | A[M][1];
};

export interface Transport {
  send(message: Envelope): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onProgress?(update: ProgressUpdate): void;
}

class Signal implements CancelSignal {
  cancelled = false;
  private listeners: (() => void)[] = [];
  private readonly throttle: ProgressThrottle | undefined;
  constructor(send?: (update: ProgressUpdate) => void) {
    this.throttle = send ? new ProgressThrottle(send) : undefined;
  }
  onCancel(listener: () => void): void {
    if (this.cancelled) listener();
    else this.listeners.push(listener);
  }
  progress(update: ProgressUpdate): void {
    if (!this.cancelled) this.throttle?.report(update);
  }
  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.throttle?.close(); // a cancelled call reports nothing more
    for (const l of this.listeners.splice(0)) l();
  }
  /** The call is answered: what progress is waiting goes out now, ahead of the answer; nothing after. */
  finish(): void {
    this.throttle?.close(true);
  }
}

export function isEnvelope(value: unknown): value is Envelope {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { id?: unknown; body?: unknown; inReplyTo?: unknown };
  return (
    typeof v.id === 'number' &&
    typeof v.body === 'object' &&
    v.body !== null &&
    (v.inReplyTo === undefined || typeof v.inReplyTo === 'number')
  );
}

/** Every error crossing a channel is one line with control characters escaped: messages carry names from models and files. */
export function toWireError(error: unknown): WireError {
  if (error instanceof RpcError) return { code: error.code, message: escapeControl(error.message) };
  const code =
    typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
      ? (error as { code: string }).code
      : 'InternalError';
  const message = error instanceof Error ? error.message : String(error);
  return { code, message: escapeControl(message) };
}

/**
 * One end of a channel: `Local` is the API this end serves, `Remote` the API it calls.
 * Feed incoming messages to `receive`; call `close` when the transport goes away.
 */
export class RpcEndpoint<Local extends ApiShape, Remote extends ApiShape> {
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private running = new Map<number, Signal>();
  private closedReason: RpcError | undefined;

  constructor(
    private readonly transport: Transport,
    private readonly handlers: Partial<Handlers<Local>>,
  ) {}

  /** A call that rejects with CancelledError as soon as `cancel` fires (the peer is told too). */
  call<M extends keyof Remote & string>(
    method: M,
    params: Params<Remote, M>,
    cancel?: CallToken,
  ): Promise<Result<Remote, M>> {
    if (this.closedReason) return Promise.reject(this.closedReason);
    const id = this.nextId++;
    return new Promise<Result<Remote, M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress: cancel?.progress?.bind(cancel) });
      cancel?.onCancel(() => {
        if (!this.pending.has(id)) return;
        this.pending.delete(id);
        this.cancel(id);
        reject(new CancelledError());
      });
      this.safeSend({ id, body: { method, params } });
    });
  }

  /**
   * A call whose caller decides what a cancel means: `cancel(id)` asks the peer to stop, and
   * `result` still settles with the peer's own reply (or when the channel closes), so the caller
   * can tell work that stopped from work that did not. `onProgress` hears the call's progress
   * until it settles.
   */
  start<M extends keyof Remote & string>(method: M, params: Params<Remote, M>, onProgress?: (update: ProgressUpdate) => void): { id: number; result: Promise<Result<Remote, M>> } {
    const id = this.nextId++;
    if (this.closedReason) return { id, result: Promise.reject(this.closedReason) };
    const result = new Promise<Result<Remote, M>>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress });
      this.safeSend({ id, body: { method, params } });
    });
    return { id, result };
  }

  /** Asks the peer to stop call `id` (its handler's signal fires). */
  cancel(id: number): void {
    this.safeSend({ id: this.nextId++, body: { method: CANCEL_METHOD, params: { id } } });
  }

  /** Fire-and-forget notification (no reply expected). */
  notify<M extends keyof Remote & string>(method: M, params: Params<Remote, M>): void {
    this.safeSend({ id: this.nextId++, body: { method, params } });
  }

  receive(message: unknown): void {
    if (!isEnvelope(message)) return; // untrusted peers may send anything; ignore what is not ours
    const { body } = message;
    if (message.inReplyTo !== undefined) {
      const p = this.pending.get(message.inReplyTo);
      if (!p) return;
      this.pending.delete(message.inReplyTo);
      if ('ok' in body) p.resolve(body.ok);
      else if ('err' in body) {
        const err = (body.err ?? {}) as Partial<WireError>; // a malformed reply still settles the call
        p.reject(new RpcError(String(err.code ?? 'InternalError'), String(err.message ?? 'The other side sent a malformed error.')));
      }
      return;
    }
    if (!('method' in body) || typeof body.method !== 'string') return;
    if (body.method === CANCEL_METHOD) {
      const target = (body.params as { id?: unknown } | null)?.id;
      if (typeof target === 'number') this.running.get(target)?.cancel();
      return;
    }
    if (body.method === PROGRESS_METHOD) {
      // progress of a call this end made; one that has settled (or was never made) hears nothing
      const params = body.params as { id?: unknown } | null;
      const p = typeof params?.id === 'number' ? this.pending.get(params.id) : undefined;
      const update = p?.onProgress ? cleanProgress(params) : undefined;
      if (update) {
        try {
          p?.onProgress?.(update);
        } catch {
          // a listener that throws does not stop the call
        }
      }
      return;
    }
    void this.dispatch(message.id, body.method, body.params);
  }

  /** Rejects every pending call; later calls reject at once. */
  close(reason: RpcError): void {
    this.closedReason = reason;
    for (const p of this.pending.values()) p.reject(reason);
    this.pending.clear();
    for (const s of this.running.values()) s.cancel();
    this.running.clear();
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  private async dispatch(id: number, method: string, params: unknown): Promise<void> {
    const handler = (this.handlers as Record<string, ((p: unknown, s: CancelSignal) => unknown) | undefined>)[method];
    if (!handler || !Object.prototype.hasOwnProperty.call(this.handlers, method)) {
      // the name came from the peer: quoted and cut, so control characters reach no log raw
      this.safeSend({ id: this.nextId++, inReplyTo: id, body: { err: { code: 'UnknownMethod', message: `Unknown method: ${JSON.stringify(method.slice(0, 100))}` } } });
      return;
    }
    const signal = new Signal((update) => this.safeSend({ id: this.nextId++, body: { method: PROGRESS_METHOD, params: { id, ...update } } }));
    this.running.set(id, signal);
    let body: Body;
    try {
      const ok = await handler(params, signal);
      body = { ok: ok === undefined ? null : ok };
    } catch (error) {
      body = { err: toWireError(error) };
    }
    // failRunning may have answered this call already; a call gets one reply
    if (this.running.get(id) !== signal) return;
    this.running.delete(id);
    signal.finish();
    this.safeSend({ id: this.nextId++, inReplyTo: id, body });
  }

  /**
   * Answers every call still running with `error` and cancels its work. For an uncaught
   * exception: the call it came from can no longer answer, and a caller must never wait forever.
   */
  failRunning(error: RpcError): void {
    for (const [id, signal] of [...this.running]) {
      this.running.delete(id);
      signal.cancel();
      this.safeSend({ id: this.nextId++, inReplyTo: id, body: { err: toWireError(error) } });
    }
  }

  private safeSend(message: Envelope): void {
    try {
      this.transport.send(message);
    } catch {
      // The transport is gone; close() will reject what is pending.
    }
  }
}
