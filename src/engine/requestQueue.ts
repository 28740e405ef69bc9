import { CancelledError, type CancelSignal, type Handlers } from '../protocol/rpc';
import type { EngineApi } from '../protocol/engine';

/**
 * Requests that run a model (forward passes, whole-vocabulary statistics) hold their tensors
 * until they end, so a hundred at once held 3.4 GB. They take turns here: `limit` run at a time,
 * the rest wait in order, and a waiting request that is cancelled leaves the queue at once.
 * When the last one ends and none waits, `onIdle` runs after `idleMs` (unless a request came).
 */
export class RequestQueue {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly limit: number,
    private readonly idle?: { ms: number; onIdle: () => void },
  ) {}

  async run<T>(signal: CancelSignal, work: () => Promise<T>): Promise<T> {
    await this.acquire(signal);
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  private acquire(signal: CancelSignal): Promise<void> {
    clearTimeout(this.idleTimer);
    if (signal.cancelled) return Promise.reject(new CancelledError());
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const start = () => {
        this.active++;
        resolve();
      };
      this.waiting.push(start);
      signal.onCancel(() => {
        const i = this.waiting.indexOf(start);
        if (i < 0) return; // already running: the work itself checks its signal
        this.waiting.splice(i, 1);
        reject(new CancelledError());
      });
    });
  }

  private release(): void {
    this.active--;
    const next = this.waiting.shift();
    if (next) next();
    else if (this.active === 0 && this.idle) {
      const { ms, onIdle } = this.idle;
      this.idleTimer = setTimeout(onIdle, ms);
      this.idleTimer.unref(); // an idle engine (a CLI run, a test) exits as if no timer were set
    }
  }
}

/** The methods that run a model; the rest read what a run kept, or the settings. */
export const HEAVY_METHODS = [
  'model/load',
  'lm/nextToken',
  'lm/position',
  'lm/generate',
  'lm/surprisal',
  'attention/summary',
  'lens/get',
  'lens/target',
  'lens/page',
  'induction/scan',
  'dilution/get',
  'activations/export',
  'probe/train',
  'probe/apply',
  'probe/preview',
  'projector/project',
  'projector/neighbours',
  'projector/analogy',
  'model/info', // decodes the whole graph and opens a session
  'projector/predict',
  'baseline/compare', // indexes a corpus and runs the model
  'interventions/ablate',
  'interventions/patch',
  'interventions/attribute',
  'vision/classify',
  'vision/inspect',
  'vision/activations',
  'audio/classify',
  'audio/inspect',
  'audio/attention',
  'audio/activations',
  'future/train',
  'future/apply',
  'checkpoints/compare',
  'crossmodal/fit',
] as const satisfies readonly (keyof EngineApi)[];

/** Puts every heavy method of `handlers` behind `queue`. */
export function queueHeavy(handlers: Handlers<EngineApi>, queue: RequestQueue): Handlers<EngineApi> {
  const queued: Record<string, unknown> = { ...handlers };
  for (const method of HEAVY_METHODS) {
    const handler = handlers[method] as (params: unknown, signal: CancelSignal) => unknown;
    queued[method] = (params: unknown, signal: CancelSignal) => queue.run(signal, async () => handler(params, signal));
  }
  return queued as Handlers<EngineApi>;
}
