/** interventions/ablate, interventions/patch, interventions/attribute: the engine methods over the
 * intervention copy of a decoder LM (see interventionRunner.ts and the compute files beside it). */
import { performance } from 'node:perf_hooks';
import { InputError } from '../../errors';
import { tokenText, type LoadedLm } from '../../languageModels';
import { requireDecoder } from '../../models/kindGuard';
import { RequestProgress } from '../../progress';
import { CancelledError } from '../../../protocol/rpc';
import { lensParamsFor } from '../lens/lensModel';
import type { FeatureContext, FeatureHandlers } from '../context';
import type { TokenInfo } from '../../../protocol/engine';
import type { AblateResult, AttributeResult, HeadRef, PatchResult } from '../../../protocol/interventions';
import { ablateHeads } from './ablateHeads';
import { patchSweep } from './patchSweep';
import { logitAttribution } from './logitAttribution';
import { meanLoss, tokenLosses, topCandidates } from './interventionMaths';
import { resolveToken } from './tokenRefs';

function tokensOf(base: LoadedLm, text: string, what: string): TokenInfo[] {
  if (text.length === 0) throw new InputError(`${what} is empty: select some text first.`);
  const tokens = base.tokenizer.encode(text);
  if (tokens.length > base.lm.contextLength) throw new InputError(`${what} is ${tokens.length} tokens; the model reads at most ${base.lm.contextLength}.`);
  return tokens;
}

function checkHeads(heads: HeadRef[], nLayers: number, nHeads: number): void {
  if (!heads.length) throw new InputError('Choose at least one head to ablate (layer.head, e.g. 1.3).');
  for (const h of heads) {
    if (h.layer >= nLayers || h.head >= nHeads) throw new InputError(`Head ${h.layer}.${h.head} does not exist: the model has ${nLayers} layers of ${nHeads} heads (0-based).`);
  }
}

export function interventionHandlers(ctx: FeatureContext): FeatureHandlers<'interventions/ablate' | 'interventions/patch' | 'interventions/attribute'> {
  const threads = (): number => ctx.instrumented.threadCount; // the tensorloupe.threads setting, as every session
  const load = async (model: string, what: string) => {
    requireDecoder(await ctx.models.load(model), what, 'it measures the next-token prediction');
    return ctx.instrumented.load(model);
  };
  return {
    'interventions/ablate': async (p, signal): Promise<AblateResult> => {
      const t0 = performance.now();
      const m = await load(p.model, 'Head ablation');
      checkHeads(p.heads, m.info.nLayers, m.info.nHeads);
      const tokens = tokensOf(m.base, p.text, 'The text');
      const ids = tokens.map((t) => t.id);
      if (signal.cancelled) throw new CancelledError();
      const r = await ablateHeads(m, ids, p.heads, p.mode, threads());
      const T = ids.length;
      const textOf = (id: number) => tokenText(m.base, id);
      const lastRow = (a: Float32Array) => a.subarray((T - 1) * r.vocab, T * r.vocab);
      const tokenLossClean = tokenLosses(r.clean, ids, r.vocab);
      const tokenLossAblated = tokenLosses(r.ablated, ids, r.vocab);
      return {
        model: m.base.info, tokens, heads: p.heads, mode: p.mode,
        next: topCandidates(lastRow(r.ablated), p.topK, textOf),
        clean: { next: topCandidates(lastRow(r.clean), p.topK, textOf) },
        lossClean: meanLoss(tokenLossClean), lossAblated: meanLoss(tokenLossAblated),
        tokenLossClean, tokenLossAblated, ms: performance.now() - t0,
      };
    },
    'interventions/patch': async (p, signal): Promise<PatchResult> => {
      const t0 = performance.now();
      const m = await load(p.model, 'Activation patching');
      const cleanTokens = tokensOf(m.base, p.clean, 'The clean prompt');
      const corruptTokens = tokensOf(m.base, p.corrupt, 'The corrupt prompt');
      if (cleanTokens.length !== corruptTokens.length) {
        throw new InputError(`The clean prompt is ${cleanTokens.length} tokens and the corrupt prompt ${corruptTokens.length}; patching needs the same length in tokens (swap one token for another single token).`);
      }
      const vocab = (m.base.lm as { vocab?: number }).vocab ?? Number.MAX_SAFE_INTEGER;
      const answer = resolveToken(m.base, p.answer, '--answer', vocab);
      const wrong = resolveToken(m.base, p.wrong, '--wrong', vocab);
      const L = m.info.nLayers;
      const layers = p.layers ?? Array.from({ length: L }, (_, i) => i);
      for (const l of layers) if (l >= L) throw new InputError(`Layer ${l} does not exist: the model has ${L} layers.`);
      const progress = new RequestProgress(signal, { patch: 100 });
      const sweep = await patchSweep(m, cleanTokens.map((t) => t.id), corruptTokens.map((t) => t.id), answer.id, wrong.id, p.hook, layers, threads(), signal,
        (done, total) => progress.report('patch', done, total, `patched runs ${done}/${total}`));
      return {
        model: m.base.info, hook: p.hook, cleanTokens, corruptTokens, answer, wrong,
        clean: { logitDiff: sweep.clean }, corrupt: { logitDiff: sweep.corrupt },
        nLayers: L, nHeads: m.info.nHeads, results: sweep.results, runs: sweep.runs, patches: sweep.patches, ms: performance.now() - t0,
      };
    },
    'interventions/attribute': async (p, signal): Promise<AttributeResult> => {
      const t0 = performance.now();
      const m = await load(p.model, 'Direct logit attribution');
      const tokens = tokensOf(m.base, p.text, 'The text');
      const params = await lensParamsFor(m);
      const target = resolveToken(m.base, p.target, '--target', params.unembed.vocab);
      const vs = p.vs === undefined ? null : resolveToken(m.base, p.vs, '--vs', params.unembed.vocab);
      if (signal.cancelled) throw new CancelledError();
      const a = await logitAttribution(m, tokens.map((t) => t.id), target.id, vs?.id, params, threads(), signal);
      return { model: m.base.info, tokens, target, vs, ...a, ms: performance.now() - t0 };
    },
  };
}
