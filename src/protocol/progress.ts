// Progress of one call, reported by the side that serves it to the side that made it. On the
// wire it is a notification `{method: '$/progress', params: {id, done, total, message?}}` whose
// `id` is the call's; the caller routes it to that call's listener (rpc.ts). In-process (the CLI,
// tests) the same update reaches the caller's own callback. Either way it passes a throttle first:
// a UMAP reports every few epochs, a probe every window, and a notification per report would cost
// the host more than the work it describes.
import { escapeControl } from '../util/escape';

export const PROGRESS_METHOD = '$/progress';

/** `done` of `total` units of the whole call (0 ≤ done ≤ total, non-decreasing); `message` says the stage in words. */
export interface ProgressUpdate {
  done: number;
  total: number;
  message?: string;
}

/** One update per call every PROGRESS_INTERVAL_MS at most (10 a second), besides the last. */
export const PROGRESS_INTERVAL_MS = 100;
/** A message is a status line, not a log: longer ones are cut. */
export const PROGRESS_MESSAGE_CHARS = 200;

/** The update as it may travel: finite numbers, done inside [0, total], a short one-line message. Undefined when it is no update at all. */
export function cleanProgress(value: unknown): ProgressUpdate | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as { done?: unknown; total?: unknown; message?: unknown };
  if (typeof v.done !== 'number' || typeof v.total !== 'number' || !Number.isFinite(v.done) || !Number.isFinite(v.total) || !(v.total > 0)) return undefined;
  const done = Math.min(Math.max(v.done, 0), v.total);
  const message = typeof v.message === 'string' ? escapeControl(v.message.slice(0, PROGRESS_MESSAGE_CHARS)) : undefined;
  return message === undefined ? { done, total: v.total } : { done, total: v.total, message };
}

export interface ThrottleClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: ThrottleClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.(); // a pending progress line never keeps a process (the CLI, a test) alive
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/**
 * Passes at most one update per `interval` to `send`: the first at once, then the latest of
 * those that came too soon when the interval has passed (so the last state before a pause is
 * shown, not dropped). An update with done = total passes at once. After `close` nothing passes
 * (a cancelled call stops reporting); `close(true)` first sends what is waiting, so an answered
 * call's last update arrives before its answer.
 */
export class ProgressThrottle {
  private last = -Infinity;
  private waiting: ProgressUpdate | undefined;
  private timer: unknown;
  private closed = false;

  constructor(
    private readonly send: (update: ProgressUpdate) => void,
    private readonly interval = PROGRESS_INTERVAL_MS,
    private readonly clock: ThrottleClock = realClock,
  ) {}

  report(update: ProgressUpdate): void {
    if (this.closed) return;
    const clean = cleanProgress(update);
    if (!clean) return;
    const now = this.clock.now();
    if (clean.done >= clean.total || now - this.last >= this.interval) {
      this.waiting = undefined;
      this.stopTimer();
      this.emit(clean, now);
      return;
    }
    this.waiting = clean;
    if (this.timer === undefined) {
      this.timer = this.clock.setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.interval - (now - this.last));
    }
  }

  /** Stops reporting; with `flush`, the update still waiting is sent first. */
  close(flush = false): void {
    if (this.closed) return;
    if (flush) this.flush();
    this.stopTimer();
    this.waiting = undefined;
    this.closed = true;
  }

  private flush(): void {
    const w = this.waiting;
    this.waiting = undefined;
    if (w && !this.closed) this.emit(w, this.clock.now());
  }

  private emit(update: ProgressUpdate, now: number): void {
    this.last = now;
    try {
      this.send(update);
    } catch {
      // a listener's failure is not the call's: the work goes on
    }
  }

  private stopTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
