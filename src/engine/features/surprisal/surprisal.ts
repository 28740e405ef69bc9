import { performance } from 'node:perf_hooks';
import type { LoadedLm } from '../../languageModels';
import { checkpoint, ROWS_PER_CHECKPOINT, throwIfCancelled } from '../../cancellation';
import { logitStats, targetOf, type LogitStats } from '../../smallGraphs/logitStats';
import { slidingWindows } from '../../contextWindows';
import { candidates, checkText } from '../lmShared';
import { pseudoLogLikelihood } from './pseudoLogLikelihood';
import { requireKind } from '../../models/kindGuard';
import type { DecoderLm } from '../../runners/decoderLm';
import type { FeatureContext, FeatureHandlers } from '../context';
import type { SurprisalToken, TokenInfo, Truncation } from '../../../protocol/engine';

/** Per-token surprisal; texts longer than the context are scored in half-overlapping windows. */
export function surprisalHandlers(ctx: FeatureContext): FeatureHandlers<'lm/surprisal'> {
  return {
    'lm/surprisal': async (p, signal) => {
      checkText(p.text);
      const t0 = performance.now();
      const model = await ctx.models.load(p.model);
      requireKind(model, 'Surprisal', ['decoder-lm', 'masked-lm'], 'surprisal scores tokens by the probability the model gives them');
      if (model.lm.kind === 'masked-lm') return pseudoLogLikelihood(model, p, signal, t0);
      const lm = model.lm as DecoderLm; // requireKind let only decoders and masked LMs through
      const all = model.tokenizer.encode(p.text);
      await checkpoint(signal);
      let tokens = all;
      let truncation: Truncation | null = null;
      if (all.length > p.maxTokens) {
        tokens = all.slice(0, p.maxTokens);
        truncation = {
          droppedTokens: all.length - p.maxTokens,
          reason: `Scored the first ${p.maxTokens} of ${all.length.toLocaleString('en-US')} tokens (limit ${p.maxTokens}).`,
        };
      }
      const bos = model.tokenizer.bosId;
      const plan = slidingWindows(tokens.length, model.lm.contextLength, bos !== undefined && tokens[0]?.id === bos);
      const scored: SurprisalToken[] = [];
      for (const w of plan.windows) {
        throwIfCancelled(signal);
        const ids = [...(w.withBos ? [tokens[0].id] : []), ...tokens.slice(w.start, w.end).map((t) => t.id)];
        const offset = w.withBos ? 1 : 0; // index in `ids` of tokens[w.start]
        const { logits, vocab } = await lm.forward(ids);
        const stats = await logitStats(logits, vocab, ids.slice(1), ctx.models.threads); // row k − 1 predicts ids[k]
        for (let i = w.scoreFrom; i < w.end; i++) {
          if ((i - w.scoreFrom) % ROWS_PER_CHECKPOINT === 0) await checkpoint(signal); // alternatives: top-k over the vocabulary per token
          const k = i - w.start + offset; // index of token i in this window
          if (k === 0) continue; // nothing predicted the first token
          const row = logits.subarray((k - 1) * vocab, k * vocab);
          scored.push(surprisalOf(model, row, tokens[i], p.alternatives, stats, k - 1));
        }
      }
      const content = scored.filter((t) => !t.special);
      const meanBits = content.length ? content.reduce((s, t) => s + t.bits, 0) / content.length : 0;
      return {
        model: model.info,
        tokens: scored,
        truncation,
        window: plan.windows.length > 1 ? { size: plan.size, stride: plan.stride, count: plan.windows.length } : null,
        meanBits,
        objective: 'causal',
        ms: performance.now() - t0,
      };
    },
  };
}

function surprisalOf(model: LoadedLm, row: Float32Array, token: TokenInfo, alternatives: number, stats: LogitStats, r: number): SurprisalToken {
  const { prob, bits, rank } = targetOf(stats, r);
  return { ...token, bits, prob, rank, alternatives: candidates(model, row, alternatives, stats.logSumExp[r]) };
}
