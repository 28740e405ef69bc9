import { performance } from 'node:perf_hooks';
import { InputError } from '../../errors';
import { checkpoint } from '../../cancellation';
import { RequestProgress } from '../../progress';
import { collectHiddenStates, type HiddenLayer, type HiddenPositions } from '../hiddenStates/collectHiddenStates';
import { loadProbeDataset } from './loadProbeDataset';
import { labelCounts, probeExamples, requireTwoLabels, type ProbeExamples } from './tokenLabels';
import { controlLabels, splitByGroup, type ProbeSplit } from './probeSplit';
import { fitLayer, L2_GRID, type LayerFit } from './fitLayer';
import type { ProbeDataset } from './datasetTypes';
import type { FeatureContext } from '../context';
import type { ProbeLayerResult, ProbePool, ProbeTrainParams, ProbeTrainResult } from '../../../protocol/probes';
import type { CancelSignal } from '../../../protocol/rpc';

// probe/train: dataset → hidden states layer by layer → per layer a probe and its control,
// scored on texts neither saw. Each layer's states are dropped once its two probes are fitted.

/** Examples a probe trains on at most (positions beyond are refused before the model runs). */
export const MAX_PROBE_POSITIONS = 200_000;

/** The dataset as the too-many-tokens message names it. */
export function datasetName(dataset: ProbeDataset): string {
  return dataset.task === 'token' && dataset.sources ? `${dataset.name} over --files` : dataset.name;
}

/** One feature row per example: a token's state, or a text's pooled states. [examples, d] */
function featuresOf(layer: HiddenLayer, positions: HiddenPositions, examples: ProbeExamples, task: 'sequence' | 'token', pool: ProbePool): Float32Array {
  const d = positions.dModel;
  const n = examples.rows.length;
  const out = new Float32Array(n * d);
  if (task === 'token') {
    for (let i = 0; i < n; i++) out.set(layer.data.subarray(examples.rows[i] * d, (examples.rows[i] + 1) * d), i * d);
    return out;
  }
  // sequence: the text's own tokens (a BOS the tokenizer added is left out unless it is all there is)
  const sums = new Float64Array(n * d);
  const counts = new Int32Array(n);
  const last = new Int32Array(n).fill(-1);
  const lastAny = new Int32Array(n).fill(-1);
  for (let r = 0; r < positions.count; r++) {
    const t = positions.textIndex[r];
    lastAny[t] = r;
    if (positions.special[r]) continue;
    for (let j = 0; j < d; j++) sums[t * d + j] += layer.data[r * d + j];
    counts[t]++;
    last[t] = r;
  }
  for (let t = 0; t < n; t++) {
    if (pool === 'last' || counts[t] === 0) {
      const r = last[t] >= 0 ? last[t] : lastAny[t];
      out.set(layer.data.subarray(r * d, (r + 1) * d), t * d);
    } else for (let j = 0; j < d; j++) out[t * d + j] = sums[t * d + j] / counts[t];
  }
  return out;
}

function majorityBaseline(y: Int32Array, split: ProbeSplit, k: number): number {
  const counts = new Int32Array(k);
  for (const i of split.train) counts[y[i]]++;
  const majority = counts.indexOf(Math.max(...counts));
  let hits = 0;
  for (const i of split.test) if (y[i] === majority) hits++;
  return split.test.length === 0 ? 0 : hits / split.test.length;
}

/** A run's figures, and its fitted probes by layer (kept for probe/save). */
export interface TrainedProbes {
  result: Omit<ProbeTrainResult, 'runId'>;
  fits: Map<number, LayerFit>;
}

export async function trainProbe(ctx: FeatureContext, p: ProbeTrainParams, signal: CancelSignal): Promise<TrainedProbes> {
  const t0 = performance.now();
  const { dataset, sha256 } = loadProbeDataset(p.dataset, p.files);
  const m = await ctx.instrumented.load(p.model);
  const nLayers = m.info.nLayers;
  if (p.layer !== 'all' && (p.layer < 0 || p.layer > nLayers)) {
    throw new InputError(`--layer ${p.layer} is out of range: ${m.base.folder.name} has layers 0 (embedding) to ${nLayers} (blocks.${nLayers - 1}.hook_resid_post).`);
  }
  const layers = p.layer === 'all' ? undefined : [p.layer];
  // the bar: hidden states (forward passes) then, layer by layer, a probe and its control at each L2 strength;
  // with many positions the two interleave (a group of layers collected, fitted, then the next group)
  const progress = new RequestProgress(signal, { collect: 40, fit: 60 });
  const fitsTotal = (layers?.length ?? nLayers + 1) * 2 * L2_GRID.length;
  let fitsDone = 0;
  let examples: ProbeExamples | undefined;
  let split: ProbeSplit | undefined;
  let control: Int32Array | undefined;
  const results: ProbeLayerResult[] = [];
  const fits = new Map<number, LayerFit>();
  const threads = ctx.models.threads;
  await collectHiddenStates(ctx.instrumented, m, dataset.texts, { layers, maxPositions: MAX_PROBE_POSITIONS, name: datasetName(dataset), signal, onProgress: (done, total, message) => progress.report('collect', done, total, message) }, async (layer, positions) => {
    if (!examples) {
      examples = probeExamples(dataset, positions);
      requireTwoLabels(examples, dataset.name);
      split = splitByGroup(examples.group, p.seed, dataset.name);
      control = controlLabels(examples.type, examples.y, examples.labels.length, p.seed);
    }
    const [ex, sp, ctl] = [examples, split as ProbeSplit, control as Int32Array];
    const k = ex.labels.length;
    const x = featuresOf(layer, positions, ex, dataset.task, p.pool);
    const rows = sp.train.length.toLocaleString('en-US');
    const onFit = (which: string) => (index: number, l2: number) =>
      progress.report('fit', fitsDone++, fitsTotal, `layer ${layer.layer}/${nLayers}: ${which} on ${rows} rows, L2 ${l2} (${index + 1}/${L2_GRID.length})`);
    const real = await fitLayer(x, positions.dModel, ex.y, k, sp, threads, signal, onFit('probe'));
    await checkpoint(signal);
    const ctlFit = await fitLayer(x, positions.dModel, ctl, k, sp, threads, signal, onFit('control'));
    progress.report('fit', fitsDone, fitsTotal, `layer ${layer.layer}/${nLayers}: done`);
    fits.set(layer.layer, real);
    results.push({
      layer: layer.layer,
      hook: layer.hook,
      accuracy: real.accuracy,
      controlAccuracy: ctlFit.accuracy,
      selectivity: real.accuracy - ctlFit.accuracy,
      macroF1: real.macroF1,
      l2: real.l2,
      confusion: [...real.confusion],
    });
  });
  const ex = examples as ProbeExamples;
  const sp = split as ProbeSplit;
  const counts = labelCounts(ex);
  const result = {
    model: m.base.folder.name,
    dataset: dataset.name,
    task: dataset.task,
    labels: ex.labels,
    counts,
    majorityBaseline: majorityBaseline(ex.y, sp, ex.labels.length),
    layers: results,
    texts: dataset.texts.length,
    split: { train: sp.train.length, validation: sp.validation.length, test: sp.test.length },
    modelSha256: m.result.modelHash,
    datasetSha256: sha256,
    ms: performance.now() - t0,
  };
  return { result, fits };
}
