import { loadProbeDataset } from './loadProbeDataset';
import { labelCounts, probeExamples, requireTwoLabels } from './tokenLabels';
import { datasetName, MAX_PROBE_POSITIONS } from './trainProbe';
import { planPositions } from '../hiddenStates/collectHiddenStates';
import type { FeatureContext } from '../context';
import type { ProbePreviewParams, ProbePreviewResult } from '../../../protocol/probes';

/**
 * probe/preview: what probe/train would train on — the dataset read, labelled and tokenised as
 * training does it, with its size and class counts, but no forward pass. The refusals training
 * makes before the model runs (one label, too many tokens, a bad row) come from here too.
 */
export async function previewProbe(ctx: FeatureContext, p: ProbePreviewParams): Promise<ProbePreviewResult> {
  const { dataset, sha256 } = loadProbeDataset(p.dataset, p.files);
  const m = await ctx.instrumented.load(p.model);
  const { positions } = planPositions(m, dataset.texts, m.base.lm.contextLength, MAX_PROBE_POSITIONS, datasetName(dataset));
  const examples = probeExamples(dataset, positions);
  requireTwoLabels(examples, dataset.name);
  const files = dataset.task === 'token' && dataset.sources ? new Set(dataset.sources).size : undefined;
  return {
    model: m.base.folder.name,
    dataset: dataset.name,
    task: dataset.task,
    texts: dataset.texts.length,
    ...(files === undefined ? {} : { files }),
    tokens: positions.count,
    examples: examples.y.length,
    labels: examples.labels,
    counts: labelCounts(examples),
    datasetSha256: sha256,
  };
}
