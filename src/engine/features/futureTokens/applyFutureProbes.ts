import { InputError } from '../../errors';
import { fitToContext } from '../../contextWindows';
import { tokenText } from '../../languageModels';
import { hiddenHook } from '../hiddenStates/collectHiddenStates';
import { classProbabilities } from './futureProbeMaths';
import type { TrainedFuture } from './trainFutureProbes';
import type { FeatureContext } from '../context';
import type { FutureApplyParams, FutureApplyResult, FutureGuess, FuturePosition } from '../../../protocol/futureTokens';

// future/apply: a trained run's probes on a selection. For each position t and each k from 2 to
// K, the probe of k's best layer (chosen on the validation files) guesses the token at t + k; the
// text itself says whether the guess came true.

const GUESSES = 3;

export async function applyFutureProbes(ctx: FeatureContext, run: TrainedFuture, p: FutureApplyParams): Promise<FutureApplyResult> {
  if (p.text.length === 0) throw new InputError('Select some text first: the selection is empty.');
  const { m, result, K } = run;
  const all = m.base.tokenizer.encode(p.text);
  const { tokens } = fitToContext(all, Math.min(Math.max(1, p.maxTokens), m.base.lm.contextLength), m.base.tokenizer.bosId);
  const ids = tokens.map((t) => t.id);
  const ks = Array.from({ length: Math.max(0, K - 1) }, (_, i) => i + 2);
  const layers = [...new Set(ks.map((k) => result.bestLayer[k - 1]))];
  const acts = await ctx.instrumented.run(m, ids, layers.map(hiddenHook));
  const d = m.info.dModel as number;
  const x = new Float32Array(d);
  const positions: FuturePosition[] = tokens.map((t, position) => {
    const ahead: FutureGuess[] = ks.map((k) => {
      const layer = result.bestLayer[k - 1];
      const probe = run.probes.get(`${layer}:${k}`);
      const h = acts.get(hiddenHook(layer)); // [1, T, d]
      if (!probe || !h) throw new InputError(`The future-token run has no probe for layer ${layer}, t+${k}; train it again.`);
      const { mean, scale } = probe.standardisation;
      for (let j = 0; j < d; j++) x[j] = (h.data[position * d + j] - mean[j]) / scale[j];
      const probs = classProbabilities(probe.model, x);
      const order = Array.from({ length: probs.length - 1 }, (_, c) => c).sort((a, b) => probs[b] - probs[a] || a - b).slice(0, GUESSES);
      const guesses = order.map((c) => ({ id: run.classIds[c], text: tokenText(m.base, run.classIds[c]), prob: probs[c] }));
      const next = ids[position + k];
      const actual = next === undefined ? undefined : { id: next, text: tokenText(m.base, next) };
      return { k, layer, guesses, ...(actual ? { actual } : {}), hit: actual !== undefined && guesses[0]?.id === actual.id };
    });
    return { position, id: t.id, text: tokenText(m.base, t.id), start: t.start, end: t.end, ahead };
  });
  acts.clear();
  return { model: result.model, positions };
}
