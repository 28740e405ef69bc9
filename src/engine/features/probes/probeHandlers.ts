import { randomUUID } from 'node:crypto';
import { InputError } from '../../errors';
import { RunStore } from '../../runStore';
import type { FeatureContext } from '../context';
import { trainProbe, type TrainedProbes } from './trainProbe';
import { applyProbe } from './applyProbe';
import { savedProbeOf, writeSavedProbe } from './savedProbe';
import type { Handlers } from '../../../protocol/rpc';
import type { ProbePool, ProbesApi } from '../../../protocol/probes';

/** The probes feature's engine methods. A run's fitted probes are kept (a few runs) for Save Probe. */
export function probeHandlers(ctx: FeatureContext): Handlers<ProbesApi> {
  const runs = new RunStore<TrainedProbes & { pool: ProbePool }>(4);
  ctx.whenIdle?.(() => runs.clear());
  return {
    'probe/train': async (p, signal) => {
      const trained = await trainProbe(ctx, p, signal);
      const runId = randomUUID();
      runs.put(runId, { ...trained, pool: p.pool });
      return { ...trained.result, runId };
    },
    'probe/save': (p) => {
      const run = runs.get(p.runId);
      if (!run) throw new InputError('That probe run is no longer kept (the engine was idle or trained newer probes); train it again to save it.');
      const fit = run.fits.get(p.layer);
      if (!fit) throw new InputError(`Layer ${p.layer} was not trained in this run (it has ${[...run.fits.keys()].join(', ')}).`);
      const bytes = writeSavedProbe(p.out, savedProbeOf({ ...run.result, runId: p.runId }, run.pool, p.layer, fit));
      return { out: p.out, bytes };
    },
    'probe/apply': (p, signal) => applyProbe(ctx, p, signal),
  };
}
