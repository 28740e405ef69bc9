import { InputError } from '../../errors';
import { RunStore } from '../../runStore';
import { savedProbeOf } from './savedProbe';
import type { TrainedProbes } from './trainProbe';
import type { ProbePool, SavedProbe } from '../../../protocol/probes';

// The probe/train runs the engine keeps (a few) for Save Probe, and for the projector's
// "probe last trained in this session": the newest run's probe at a layer, read as a saved file
// would be, without the user saving it first.

export type KeptRun = TrainedProbes & { pool: ProbePool };

export class ProbeRuns {
  private readonly runs = new RunStore<KeptRun>(4);
  private latestId: string | undefined;

  put(runId: string, run: KeptRun): void {
    this.runs.put(runId, run);
    this.latestId = runId;
  }

  get(runId: string): KeptRun | undefined {
    return this.runs.get(runId);
  }

  clear(): void {
    this.runs.clear();
  }

  /** The newest run's fitted probe on `layer`; a one-line refusal when there is none. */
  latestProbe(layer: number): SavedProbe {
    const run = this.latestId === undefined ? undefined : this.runs.get(this.latestId);
    if (!run) throw new InputError(this.latestId === undefined ? 'No probe has been trained in this session: run "Tensorloupe: Train Probe…" first, or choose a saved probe file.' : 'The last trained probe is no longer kept (the engine was idle); train it again, or choose a saved probe file.');
    const fit = run.fits.get(layer);
    if (!fit) throw new InputError(`The last trained probe has no layer ${layer} (it trained ${[...run.fits.keys()].join(', ')}).`);
    return savedProbeOf({ ...run.result, runId: this.latestId as string }, run.pool, layer, fit);
  }
}
