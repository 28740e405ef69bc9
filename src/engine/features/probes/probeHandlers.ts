import { randomUUID } from 'node:crypto';
import { InputError } from '../../errors';
import type { FeatureContext } from '../context';
import { trainProbe } from './trainProbe';
import { applyProbe } from './applyProbe';
import { previewProbe } from './previewProbe';
import { ProbeRuns } from './probeRuns';
import { savedProbeOf, writeSavedProbe } from './savedProbe';
import type { Handlers } from '../../../protocol/rpc';
import type { ProbesApi } from '../../../protocol/probes';

/** The probes feature's engine methods. A run's fitted probes are kept (a few runs) for Save Probe and the projector. */
export function probeHandlers(ctx: FeatureContext, runs = new ProbeRuns()): Handlers<ProbesApi> {
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
    'probe/preview': (p) => previewProbe(ctx, p),
  };
}
