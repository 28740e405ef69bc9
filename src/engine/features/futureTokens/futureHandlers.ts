import { randomUUID } from 'node:crypto';
import { InputError } from '../../errors';
import { RunStore } from '../../runStore';
import { trainFutureProbes, type TrainedFuture } from './trainFutureProbes';
import { applyFutureProbes } from './applyFutureProbes';
import type { FeatureContext, FeatureHandlers } from '../context';

/** The future-token feature's engine methods; a run's probes are kept (two runs) for future/apply. */
export function futureHandlers(ctx: FeatureContext): FeatureHandlers<'future/train' | 'future/apply'> {
  const runs = new RunStore<TrainedFuture>(2);
  ctx.whenIdle?.(() => runs.clear());
  return {
    'future/train': async (p, signal) => {
      const trained = await trainFutureProbes(ctx, p, signal);
      const runId = randomUUID();
      runs.put(runId, trained);
      return { ...trained.result, runId };
    },
    'future/apply': async (p) => {
      const run = runs.get(p.runId);
      if (!run) throw new InputError('That future-token run is no longer kept (the engine was idle or trained newer probes); run "Probe Future Tokens" again.');
      return applyFutureProbes(ctx, run, p);
    },
  };
}
