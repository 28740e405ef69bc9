import { performance } from 'node:perf_hooks';
import { fitToContext } from '../../contextWindows';
import { InputError } from '../../errors';
import { MAX_TEXT_CHARS } from '../../../util/limits';
import { firstTokenMass, meanCosineToMean, normalizedEntropy } from '../../analyses/dilution';
import { CancelledError, type CancelSignal } from '../../../protocol/rpc';
import { dilutionLengths } from './dilutionPlan';
import type { FeatureContext, FeatureHandlers } from '../context';
import type { InstrumentedLm } from '../../instrumentedModels';
import type { DilutionResult } from '../../../protocol/internals';

/** Above this many tokens, layers run one at a time so only one layer's fp32 maps exist at once. */
const ALL_LAYERS_AT_ONCE_MAX_TOKENS = 1024;

interface LengthStats {
  entropy: number;
  first: number;
  cosine: number;
}

/** One prefix: per layer, mean entropy / log n, mass on position 0, and cos(resid_post, mean). */
async function measure(ctx: FeatureContext, m: InstrumentedLm, ids: number[], signal: CancelSignal): Promise<LengthStats[]> {
  const L = m.info.nLayers;
  const n = ids.length;
  const groups = n <= ALL_LAYERS_AT_ONCE_MAX_TOKENS ? [Array.from({ length: L }, (_, l) => l)] : Array.from({ length: L }, (_, l) => [l]);
  const out: LengthStats[] = [];
  for (const group of groups) {
    if (signal.cancelled) throw new CancelledError();
    const names = group.flatMap((l) => [`blocks.${l}.attn.hook_pattern`, `blocks.${l}.hook_resid_post`]);
    const acts = await ctx.instrumented.run(m, ids, names);
    for (const l of group) {
      const pat = acts.get(`blocks.${l}.attn.hook_pattern`); // [batch, head, query_pos, key_pos]
      const resid = acts.get(`blocks.${l}.hook_resid_post`); // [batch, pos, d_model]
      if (!pat || !resid) throw new InputError(`Layer ${l}'s attention map or residual stream is not available, so dilution cannot be measured.`);
      const dims: [number, number, number] = [pat.dims[pat.dims.length - 3], n, n];
      const d = resid.dims[resid.dims.length - 1];
      out[l] = { entropy: normalizedEntropy(pat.data, dims, true), first: firstTokenMass(pat.data, dims), cosine: meanCosineToMean(resid.data, d) };
    }
    acts.clear();
  }
  return out;
}

/**
 * Attention dilution over growing prefixes of the selection: how close each layer's attention is
 * to uniform (entropy / log n), how much of it sits on the first token, and how alike the residual
 * vectors have become (mean cosine to their mean), against context length.
 */
export function dilutionHandlers(ctx: FeatureContext): FeatureHandlers<'dilution/get'> {
  return {
    'dilution/get': async (p, signal): Promise<DilutionResult> => {
      const t0 = performance.now();
      if (typeof p.text !== 'string' || p.text.length === 0) throw new InputError('Select some text first: the selection is empty.');
      if (p.text.length > MAX_TEXT_CHARS) throw new InputError(`The selection has ${p.text.length.toLocaleString('en-US')} characters; Tensorloupe reads at most ${MAX_TEXT_CHARS.toLocaleString('en-US')}.`);
      const m = await ctx.instrumented.load(p.model);
      const L = m.info.nLayers;
      if (L === 0 || m.result.hooks.every((h) => h.kind !== 'pattern')) {
        const why = m.result.unavailable.find((u) => u.name.includes('hook_pattern'))?.reason ?? 'no attention softmax was found in the graph';
        throw new InputError(`${m.base.folder.name} has no attention maps, so dilution cannot be measured: ${why}.`);
      }
      const all = m.base.tokenizer.encode(p.text);
      const { tokens, truncation } = fitToContext(all, Math.min(Math.max(1, p.maxTokens), m.base.lm.contextLength), m.base.tokenizer.bosId);
      const ids = tokens.map((t) => t.id);
      const T = ids.length;
      if (T < 2) throw new InputError('Select a longer text: dilution needs at least 2 tokens.');
      const asked = Array.isArray(p.lengths) && p.lengths.length ? p.lengths : dilutionLengths(T);
      for (const n of asked) {
        if (!Number.isInteger(n) || n < 1 || n > T) throw new InputError(`Prefix length ${n} is outside the selection's ${T} tokens.`);
      }
      const plan = [...new Set(asked)].sort((a, b) => a - b);
      if (p.planIndex !== undefined && (!Number.isInteger(p.planIndex) || p.planIndex < 0 || p.planIndex >= plan.length)) {
        throw new InputError(`Plan index ${p.planIndex} is outside the plan of ${plan.length} lengths.`);
      }
      const lengths = p.planIndex === undefined ? plan : [plan[p.planIndex]];
      const entropyRatio = new Float32Array(lengths.length * L); // [length, layer]
      const firstMass = new Float32Array(lengths.length * L); // [length, layer]
      const residCosine = new Float32Array(lengths.length * L); // [length, layer]
      for (const [i, n] of lengths.entries()) {
        const stats = await measure(ctx, m, ids.slice(0, n), signal);
        stats.forEach((s, l) => {
          entropyRatio[i * L + l] = s.entropy;
          firstMass[i * L + l] = s.first;
          residCosine[i * L + l] = s.cosine;
        });
      }
      return {
        model: m.base.info,
        lengths,
        nLayers: L,
        entropyRatio,
        firstTokenMass: firstMass,
        residCosine,
        totalTokens: T,
        truncation,
        ...(p.planIndex === undefined ? {} : { plan }),
        ms: performance.now() - t0,
      };
    },
  };
}
