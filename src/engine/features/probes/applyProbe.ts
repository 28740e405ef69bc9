import { InputError } from '../../errors';
import { predictProbabilities } from '../../analyses/logisticRegression';
import { collectHiddenStates } from '../hiddenStates/collectHiddenStates';
import { readSavedProbe } from './savedProbe';
import { RequestProgress } from '../../progress';
import type { FeatureContext } from '../context';
import type { ProbeApplyParams, ProbeApplyResult } from '../../../protocol/probes';
import type { CancelSignal } from '../../../protocol/rpc';

/** probe/apply: a saved token-level probe's label and confidence for every token of a text. */
export async function applyProbe(ctx: FeatureContext, p: ProbeApplyParams, signal: CancelSignal): Promise<ProbeApplyResult> {
  const probe = readSavedProbe(p.probe);
  if (probe.task !== 'token') throw new InputError(`${p.probe} is a sequence-level probe (one label per text); only token-level probes label tokens.`);
  const m = await ctx.instrumented.load(p.model);
  if (probe.modelSha256 !== m.result.modelHash) throw new InputError(`${p.probe} was trained on ${probe.model} (sha256 ${probe.modelSha256.slice(0, 12)}…), not on ${m.base.folder.name}; its weights read another model's hidden states.`);
  const d = probe.standardisation.mean.length;
  if (d !== m.info.dModel) throw new InputError(`${p.probe} reads ${d} features but ${m.base.folder.name}'s residual stream has ${m.info.dModel}.`);
  const k = probe.labels.length;
  const model = { d, k, weights: Float64Array.from(probe.weights.flat()), bias: Float64Array.from(probe.bias) };
  const tokens: ProbeApplyResult['tokens'] = [];
  const progress = new RequestProgress(signal, { collect: 1 }); // a long selection runs as several windows
  const onProgress = (done: number, total: number, message: string) => progress.report('collect', done, total, message);
  await collectHiddenStates(ctx.instrumented, m, [p.text], { layers: [probe.layer], window: Math.min(p.maxTokens, m.base.lm.contextLength), signal, onProgress }, (layer, positions) => {
    const rows: number[] = [];
    for (let r = 0; r < positions.count; r++) if (!positions.special[r] && positions.start[r] >= 0) rows.push(r);
    const x = new Float32Array(rows.length * d); // [tokens, d], standardised as in training
    rows.forEach((r, i) => {
      for (let j = 0; j < d; j++) x[i * d + j] = (layer.data[r * d + j] - probe.standardisation.mean[j]) / probe.standardisation.scale[j];
    });
    const probs = predictProbabilities(model, x, rows.length); // [tokens, k]
    rows.forEach((r, i) => {
      let best = 0;
      for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + best]) best = c;
      tokens.push({ start: positions.start[r], end: positions.end[r], label: probe.labels[best], confidence: probs[i * k + best] });
    });
  });
  return { labels: probe.labels, layer: probe.layer, hook: probe.hook, tokens };
}
