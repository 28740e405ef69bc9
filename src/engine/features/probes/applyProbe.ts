import { collectHiddenStates } from '../hiddenStates/collectHiddenStates';
import { readSavedProbe } from './savedProbe';
import { RequestProgress } from '../../progress';
import { checkProbeFits, predictRows } from './probePredict';
import type { FeatureContext } from '../context';
import type { ProbeApplyParams, ProbeApplyResult } from '../../../protocol/probes';
import type { CancelSignal } from '../../../protocol/rpc';

/** probe/apply: a saved token-level probe's label and confidence for every token of a text. */
export async function applyProbe(ctx: FeatureContext, p: ProbeApplyParams, signal: CancelSignal): Promise<ProbeApplyResult> {
  const probe = readSavedProbe(p.probe);
  const m = await ctx.instrumented.load(p.model);
  checkProbeFits(probe, m, p.probe);
  const tokens: ProbeApplyResult['tokens'] = [];
  const progress = new RequestProgress(signal, { collect: 1 }); // a long selection runs as several windows
  const onProgress = (done: number, total: number, message: string) => progress.report('collect', done, total, message);
  await collectHiddenStates(ctx.instrumented, m, [p.text], { layers: [probe.layer], window: Math.min(p.maxTokens, m.base.lm.contextLength), signal, onProgress }, (layer, positions) => {
    const rows: number[] = [];
    for (let r = 0; r < positions.count; r++) if (!positions.special[r] && positions.start[r] >= 0) rows.push(r);
    const predicted = predictRows(probe, layer.data, rows);
    rows.forEach((r, i) => tokens.push({ start: positions.start[r], end: positions.end[r], label: probe.labels[predicted.label[i]], confidence: predicted.confidence[i] }));
  });
  return { labels: probe.labels, layer: probe.layer, hook: probe.hook, tokens };
}
