import { performance } from 'node:perf_hooks';
import type { LoadedLm } from '../../languageModels';
import type { MaskedLm } from '../../runners/maskedLm';
import { checkpoint } from '../../cancellation';
import { logSumExp, rankOf } from '../../../util/distribution';
import { candidates } from '../lmShared';
import type { CancelSignal } from '../../../protocol/rpc';
import type { SurprisalParams, SurprisalResult, SurprisalToken, Truncation } from '../../../protocol/engine';

/**
 * A masked LM's surprisal: pseudo-log-likelihood (Salazar et al. 2020). Each token that is not a
 * special one is masked in turn and scored by −log₂ p(token | every other token); the masked
 * copies run in batches (MaskedLm.maskedInTurn). A masked LM reads one window at most: the text
 * is cut to its context, and the cut is reported.
 */
export async function pseudoLogLikelihood(model: LoadedLm, p: SurprisalParams, signal: CancelSignal | undefined, t0 = performance.now()): Promise<SurprisalResult> {
  const lm = model.lm as MaskedLm;
  const all = model.tokenizer.encode(p.text);
  await checkpoint(signal);
  const limit = Math.min(p.maxTokens, lm.contextLength);
  let tokens = all;
  let truncation: Truncation | null = null;
  if (all.length > limit) {
    tokens = all.slice(0, limit);
    const why = limit === lm.contextLength ? `a masked LM reads one window of ${lm.contextLength}` : `limit ${p.maxTokens}`;
    truncation = { droppedTokens: all.length - limit, reason: `Scored the first ${limit} of ${all.length.toLocaleString('en-US')} tokens (${why}).` };
  }
  const ids = tokens.map((t) => t.id);
  const positions = tokens.flatMap((t, i) => (t.special || model.tokenizer.isSpecial(t.id) || t.id === lm.maskId ? [] : [i]));
  const scored: SurprisalToken[] = [];
  await lm.maskedInTurn(
    ids,
    positions,
    (i, row) => {
      const lse = logSumExp(row);
      const logP = row[ids[i]] - lse;
      scored.push({ ...tokens[i], bits: -logP / Math.LN2, prob: Math.exp(logP), rank: rankOf(row, ids[i]), alternatives: candidates(model, row, p.alternatives, lse) });
    },
    () => checkpoint(signal),
  );
  const meanBits = scored.length ? scored.reduce((s, t) => s + t.bits, 0) / scored.length : 0;
  return { model: model.info, tokens: scored, truncation, window: null, meanBits, objective: 'pseudo-log-likelihood', ms: performance.now() - t0 };
}
