// The projector's "probe prediction" colouring: a token-level probe (a saved file, or the newest
// probe/train run's) applied in the engine to the hidden states the points were projected from.
// The states of the last resid projections are kept for this under their projectionId, so a
// change of colouring never reruns the model or the projection.
import { InputError } from '../../errors';
import { RunStore } from '../../runStore';
import { readSavedProbe } from '../probes/savedProbe';
import { checkProbeFits, predictRows } from '../probes/probePredict';
import type { ProbeRuns } from '../probes/probeRuns';
import type { FeatureContext } from '../context';
import type { Matrix } from '../../analyses/matrix';
import type { PredictParams, PredictResult } from '../../../protocol/projector';

export interface KeptProjection {
  /** the model as the request named it (so the load hits the cache) */
  model: string;
  /** blocks.{L}.hook_resid_post */
  hook: string;
  layer: number;
  /** [points, d] in the points' order */
  matrix: Matrix;
}

/** the last few resid projections' states: 50,000 × 256 floats is 51 MB, so two and a byte bound */
export function projectionStore(): RunStore<KeptProjection> {
  return new RunStore<KeptProjection>(2, 256 * 2 ** 20);
}

export async function predictPoints(ctx: FeatureContext, kept: KeptProjection | undefined, p: PredictParams, runs: ProbeRuns | undefined): Promise<PredictResult> {
  if (!kept) throw new InputError('Those points are no longer kept (the engine was idle or projected newer ones): press Project again, then colour by the probe.');
  // probe layers count the embedding as 0, so the points' blocks.L.hook_resid_post is probe layer L + 1
  const probeLayer = kept.layer + 1;
  const latest = 'latest' in p.probe;
  const what = 'file' in p.probe ? p.probe.file : 'The last trained probe';
  if (!('file' in p.probe) && !runs) throw new InputError('This engine keeps no trained probes; choose a saved probe file.');
  const probe = 'file' in p.probe ? readSavedProbe(p.probe.file) : (runs as ProbeRuns).latestProbe(probeLayer);
  const m = await ctx.instrumented.load(kept.model);
  checkProbeFits(probe, m, what);
  if (!latest && probe.hook !== kept.hook) {
    const wanted = probe.layer === 0 ? 'the embedding, which the projector does not project (save a probe of layer 1 or later)' : `project layer ${probe.layer - 1} to colour by it`;
    throw new InputError(`${what} reads ${probe.hook} (probe layer ${probe.layer}) but these points are ${kept.hook}: ${wanted}.`);
  }
  const rows = Int32Array.from({ length: kept.matrix.rows }, (_, i) => i);
  const predicted = predictRows(probe, kept.matrix.data, rows);
  return { labels: probe.labels, hook: probe.hook, dataset: probe.dataset, label: [...predicted.label], confidence: [...predicted.confidence] };
}
