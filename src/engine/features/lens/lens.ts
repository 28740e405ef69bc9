import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { fitToContext } from '../../contextWindows';
import { InputError } from '../../errors';
import { MAX_TEXT_CHARS } from '../../../util/limits';
import { tokenText } from '../../languageModels';
import { applyFinalNorm } from '../../analyses/logitLens';
import { CancelledError, type CancelSignal } from '../../../protocol/rpc';
import { RunStore } from '../../runStore';
import { RequestProgress } from '../../progress';
import type { FeatureContext, FeatureHandlers } from '../context';
import { lensTrace } from './lensCompute';
import { lensGridRange, positionRange, widenGrid } from './lensPages';
import { lensHeadFor, lensParamsFor, lensRowHooks } from './lensModel';
import type { LensHead } from './lensUnembed';
import type { InstrumentedLm } from '../../instrumentedModels';
import type { LensParams as LensGraphParams } from '../../instrument/lensParams';
import type { LensPageResult, LensResult, LensTargetResult } from '../../../protocol/internals';
import { requireDecoder } from '../../models/kindGuard';

const MAX_TOP_K = 20;

interface LensRun {
  m: InstrumentedLm;
  params: LensGraphParams;
  head: LensHead;
  /** one [T, d_model] array per lens row, final norm applied (small: rows × T × d floats) */
  normed: Float32Array[];
  T: number;
}

function throwIfCancelled(signal: CancelSignal): void {
  if (signal.cancelled) throw new CancelledError();
}

/**
 * Logit lens: every layer's residual stream read through the model's own final norm and
 * unembedding. The grid travels as top-k ids/probabilities per cell; the normalised residuals
 * stay in the engine so a target token's trace costs one small unembedding per layer.
 */
export function lensHandlers(ctx: FeatureContext): FeatureHandlers<'lens/get' | 'lens/target' | 'lens/page'> {
  const runs = new RunStore<LensRun>(4, 128 * 1024 * 1024); // GPT-2 small at 1,024 tokens: 41 MB a run
  ctx.whenIdle?.(() => runs.clear());
  return {
    'lens/get': async (p, signal): Promise<LensResult> => {
      const t0 = performance.now();
      if (typeof p.text !== 'string' || p.text.length === 0) throw new InputError('Select some text first: the selection is empty.');
      if (p.text.length > MAX_TEXT_CHARS) throw new InputError(`The selection has ${p.text.length.toLocaleString('en-US')} characters; Tensorloupe reads at most ${MAX_TEXT_CHARS.toLocaleString('en-US')}.`);
      const topK = Math.max(1, Math.min(MAX_TOP_K, Math.round(p.topK) || 1));
      // refused before instrumenting: a classifier's graph would be instrumented for nothing
      requireDecoder(await ctx.models.load(p.model), 'The logit lens', 'the lens reads every layer through the next-token unembedding');
      const m = await ctx.instrumented.load(p.model);
      const params = await lensParamsFor(m);
      const head = await lensHeadFor(m);
      const { names, labels } = lensRowHooks(m);
      const all = m.base.tokenizer.encode(p.text);
      const { tokens, truncation } = fitToContext(all, Math.min(Math.max(1, p.maxTokens), m.base.lm.contextLength), m.base.tokenizer.bosId);
      const ids = tokens.map((t) => t.id);
      const T = ids.length;
      throwIfCancelled(signal);
      const progress = new RequestProgress(signal, { run: 20, grid: 80 });
      progress.report('run', 0, 1, `forward pass over ${T} tokens`);
      const acts = await ctx.instrumented.run(m, ids, names);
      progress.report('run', 1, 1, `forward pass over ${T} tokens`);
      const d = params.unembed.dModel;
      const normed = names.map((name) => {
        const a = acts.get(name); // [batch, pos, d_model]
        if (!a) throw new InputError(`${name} was not produced by the run, so the logit lens cannot read it.`);
        if (a.data.length !== T * d) throw new InputError(`${name} has ${a.data.length} values; expected ${T} positions × d_model ${d}.`);
        return applyFinalNorm(a.data, d, params.norm); // [pos, d_model]
      });
      acts.clear();
      // only the positions asked for (the panel's first columns); the rest on demand with lens/page
      const computed = positionRange(T, p.positions);
      const part = await lensGridRange(normed, T, computed.from, computed.to, params.unembed.vocab, topK, head.rows, (done, total) => {
        throwIfCancelled(signal);
        progress.report('grid', done, total, `logit lens rows ${done}/${total}`);
      });
      const grid = widenGrid(part, normed.length, T, computed.from, computed.to, topK);
      const tokenTexts: Record<number, string> = {};
      for (const id of part.topIds) tokenTexts[id] ??= tokenText(m.base, id);
      const runId = randomUUID();
      runs.put(runId, { m, params, head, normed, T }, normed.reduce((s, a) => s + a.byteLength, 0));
      return {
        model: m.base.info,
        tokens,
        truncation,
        runId,
        layers: labels,
        positions: T,
        topK,
        ...grid,
        tokenTexts,
        computed,
        ms: performance.now() - t0,
      };
    },
    'lens/page': async ({ runId, from, to, topK: k }, signal): Promise<LensPageResult> => {
      const t0 = performance.now();
      const run = runs.get(runId);
      if (!run) throw new InputError('That logit-lens run is no longer in the engine: run the logit lens again.');
      if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > run.T || from >= to) {
        throw new InputError(`Positions ${from}–${to} are not a range inside the ${run.T} tokens of this run.`);
      }
      const topK = Math.max(1, Math.min(MAX_TOP_K, Math.round(k) || 1));
      const grid = await lensGridRange(run.normed, run.T, from, to, run.params.unembed.vocab, topK, run.head.rows, () => throwIfCancelled(signal));
      const tokenTexts: Record<number, string> = {};
      for (const id of grid.topIds) tokenTexts[id] ??= tokenText(run.m.base, id);
      return { from, to, topK, ...grid, tokenTexts, ms: performance.now() - t0 };
    },
    'lens/target': async ({ runId, position, target }): Promise<LensTargetResult> => {
      const run = runs.get(runId);
      if (!run) throw new InputError('That logit-lens run is no longer in the engine: run the logit lens again.');
      if (!Number.isInteger(position) || position < 0 || position >= run.T) {
        throw new InputError(`Position ${position} is outside the ${run.T} tokens of this run.`);
      }
      const vocab = run.params.unembed.vocab;
      let pieces: { id: number; text: string }[];
      if (typeof target === 'number') {
        if (!Number.isInteger(target) || target < 0 || target >= vocab) throw new InputError(`Token id ${target} is outside the vocabulary (0–${vocab - 1}).`);
        pieces = [{ id: target, text: tokenText(run.m.base, target) }];
      } else {
        // a text of several tokens can only be traced by its first; the pieces go back so the
        // panel and the CLI can say so instead of silently tracing a fragment
        pieces = run.m.base.tokenizer.encode(target).filter((t) => !t.special).map((t) => ({ id: t.id, text: tokenText(run.m.base, t.id) }));
        if (pieces.length === 0) throw new InputError(`${JSON.stringify(target)} encodes to no token: type the token text you want to follow (leading space included).`);
      }
      const targetId = pieces[0].id;
      const { dModel } = run.params.unembed;
      const trace = await lensTrace(run.normed, position, dModel, vocab, targetId, run.head.logProbs);
      return { targetId, targetText: pieces[0].text, pieces, ...trace };
    },
  };
}
