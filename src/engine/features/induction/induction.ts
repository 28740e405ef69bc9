import { performance } from 'node:perf_hooks';
import { InputError } from '../../errors';
import { inductionInput, lossPerHalf } from '../../analyses/induction';
import { CancelledError } from '../../../protocol/rpc';
import { inductionAccumulator } from './inductionScores';
import { requireDecoder } from '../../models/kindGuard';
import type { FeatureContext, FeatureHandlers } from '../context';
import type { InductionParams, InductionResult } from '../../../protocol/internals';

const MAX_BATCH = 64;

/** mean of a[from, to) */
function meanOf(a: Float32Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += a[i];
  return sum / (to - from);
}

/** Sequence b of a scan uses this seed, so (seed, batch) pairs never share sequences by accident. */
export function sequenceSeed(seed: number, b: number): number {
  return (Math.imul(seed >>> 0, 1_000_003) + b) >>> 0;
}

/**
 * The repeated-random-tokens test (Olsson et al. 2022): BOS + n random tokens + the same n again,
 * seeded. Per head, attention from the second copy to the token after the first occurrence
 * (induction) and to the first occurrence itself; the loss on each copy from a plain forward pass.
 */
export function inductionHandlers(ctx: FeatureContext): FeatureHandlers<'induction/scan'> {
  return {
    'induction/scan': async (p: InductionParams, signal): Promise<InductionResult> => {
      const t0 = performance.now();
      const lm = requireDecoder(await ctx.models.load(p.model), 'The induction scan', 'its loss is the next-token loss on repeated random tokens');
      const m = await ctx.instrumented.load(p.model);
      const { nLayers } = m.info;
      const context = m.base.lm.contextLength;
      const maxLen = Math.floor((context - 1) / 2);
      if (!Number.isInteger(p.seqLen) || p.seqLen < 2 || p.seqLen > maxLen) {
        throw new InputError(`The repeated block must be 2–${maxLen} tokens long (the model reads ${context}); got ${p.seqLen}.`);
      }
      if (!Number.isInteger(p.batch) || p.batch < 1 || p.batch > MAX_BATCH) throw new InputError(`Batch must be 1–${MAX_BATCH} sequences; got ${p.batch}.`);
      if (!Number.isInteger(p.seed) || p.seed < 0) throw new InputError(`Seed must be a whole number ≥ 0; got ${p.seed}.`);
      if (nLayers === 0 || m.result.hooks.every((h) => h.kind !== 'pattern')) {
        const why = m.result.unavailable.find((u) => u.name.includes('hook_pattern'))?.reason ?? 'no attention softmax was found in the graph';
        throw new InputError(`${m.base.folder.name} has no attention maps to scan: ${why}.`);
      }
      const { tokenizer } = m.base;
      const vocabSize = m.base.info.vocabSize;
      if (vocabSize < 4) throw new InputError(`${m.base.folder.name}: neither config.json's vocab_size, the logits' shape nor tokenizer.json gives a usable vocabulary, which the random tokens are drawn from.`);
      const bos = tokenizer.bosId ?? 0;
      const exclude: number[] = [];
      for (let id = 0; id < vocabSize; id++) if (tokenizer.isSpecial(id)) exclude.push(id);
      const acc = inductionAccumulator(p.seqLen, nLayers);
      let lossFirst = 0;
      let lossSecond = 0;
      let perToken: Float32Array | undefined;
      for (let b = 0; b < p.batch; b++) {
        if (signal.cancelled) throw new CancelledError();
        const ids = inductionInput({ seed: sequenceSeed(p.seed, b), length: p.seqLen, vocabSize, bos, exclude });
        const acts = await ctx.instrumented.run(m, ids, ['blocks.*.attn.hook_pattern']);
        for (let l = 0; l < nLayers; l++) {
          const a = acts.get(`blocks.${l}.attn.hook_pattern`); // [batch, head, query_pos, key_pos]
          if (!a) throw new InputError(`Layer ${l}'s attention map is not available, so its heads cannot be scored.`);
          acc.add(l, a.dims, a.data, b === 0);
        }
        acts.clear();
        const { logits, vocab } = await lm.forward(ids); // [pos, vocab]
        const loss = lossPerHalf(logits, vocab, ids);
        // Both halves skip their copy's first token, which nothing can predict: lossPerHalf's
        // secondHalf counts it, so a perfect copier would still show ln(vocab) / n there.
        lossFirst += meanOf(loss.perToken, 1, p.seqLen) / p.batch;
        lossSecond += meanOf(loss.perToken, p.seqLen + 1, 2 * p.seqLen) / p.batch;
        perToken ??= new Float32Array(loss.perToken.length);
        for (let i = 0; i < perToken.length; i++) perToken[i] += loss.perToken[i] / p.batch;
      }
      const s = acc.finish(p.batch);
      return {
        model: m.base.info,
        nLayers,
        nHeads: s.nHeads,
        seqLen: p.seqLen,
        induction: s.induction,
        prefixMatching: s.duplicate,
        previousToken: s.previous,
        lossFirstHalf: lossFirst,
        lossSecondHalf: lossSecond,
        lossPerPosition: perToken ?? new Float32Array(0),
        ...(s.patterns ? { patterns: s.patterns, patternSize: 2 * p.seqLen + 1 } : {}),
        recomputedLayers: m.info.recomputedLayers,
        best: s.best,
        ms: performance.now() - t0,
      };
    },
  };
}
