import { performance } from 'node:perf_hooks';
import { basename, resolve } from 'node:path';
import { InputError } from '../../errors';
import { checkpoint } from '../../cancellation';
import { RequestProgress } from '../../progress';
import { requireDecoder } from '../../models/kindGuard';
import { fitToContext } from '../../contextWindows';
import { inductionInput, lossPerHalf } from '../../analyses/induction';
import { linearCka } from '../../analyses/cka';
import { hiddenHook } from '../hiddenStates/collectHiddenStates';
import { inductionHandlers, sequenceSeed } from '../induction/induction';
import { listCheckpoints } from './listCheckpoints';
import type { FeatureContext } from '../context';
import type { CheckpointRow, CheckpointsParams, CheckpointsResult } from '../../../protocol/checkpoints';
import type { CancelSignal } from '../../../protocol/rpc';

// checkpoints/compare: one training run seen through its checkpoints. For each: the induction scan
// (features/induction, unchanged), the loss on each copy of repeated random tokens, an in-context
// learning score on the selection, and the linear CKA of every layer's residual stream to the
// final checkpoint's, on the same tokens.
//
// ICL score (Olsson et al. 2022 §"In-context learning score"): the loss at token 500 minus the loss
// at token 50, averaged over many texts. A selection is one text of T tokens, and T is rarely 500,
// so the two points scale with it — "early" is the mean loss over positions [0.05 T, 0.15 T) (around
// T/10, as 50 is to 500), "late" over [0.9 T, T) — and averaging over a window stands in for
// averaging over texts. Below MIN_ICL_TOKENS tokens the windows hold a handful of tokens each, so no
// score is given.

export const MIN_ICL_TOKENS = 40;
/** sequences of repeated random tokens the scan and (without a selection) the CKA read */
const BATCH = 4;

/** [from, to) of the early and the late window over a text of T predicted tokens. */
export function iclWindows(T: number): { early: [number, number]; late: [number, number] } {
  return { early: [Math.floor(0.05 * T), Math.max(Math.floor(0.05 * T) + 1, Math.ceil(0.15 * T))], late: [Math.floor(0.9 * T), T] };
}

function mean(a: Float32Array, [from, to]: [number, number]): number {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i];
  return s / Math.max(1, to - from);
}

export async function compareCheckpoints(ctx: FeatureContext, p: CheckpointsParams, signal: CancelSignal): Promise<CheckpointsResult> {
  const t0 = performance.now();
  const folders = listCheckpoints(p.model, p.folders);
  const progress = new RequestProgress(signal, { run: 100 });
  const rows: CheckpointRow[] = [];
  const states: Float32Array[][] = []; // per checkpoint, per layer: [n, d]
  let ckaIds: number[][] | undefined;
  let ckaInput: CheckpointsResult['ckaInput'] = 'repeated random tokens';
  let seqLen = p.seqLen;
  let windows: CheckpointsResult['iclWindows'];
  const scan = inductionHandlers(ctx)['induction/scan'];
  for (const [index, folder] of folders.entries()) {
    await checkpoint(signal);
    progress.report('run', index, folders.length, `checkpoint ${folder.name} (${index + 1}/${folders.length})`);
    const lm = requireDecoder(await ctx.models.load(folder.dir), 'Compare Checkpoints', 'each checkpoint is scanned for induction heads with the next-token loss');
    const m = await ctx.instrumented.load(folder.dir);
    const context = m.base.lm.contextLength;
    seqLen ??= Math.min(50, Math.floor((context - 1) / 2));
    const r = await scan({ model: folder.dir, seqLen, batch: BATCH, seed: p.seed }, signal);
    // the tokens the CKA reads, fixed by the first checkpoint so every checkpoint sees the same ones
    if (!ckaIds) {
      const selection = p.text ? fitToContext(m.base.tokenizer.encode(p.text), context, m.base.tokenizer.bosId).tokens.map((t) => t.id) : [];
      if (selection.length >= 8) {
        ckaIds = [selection];
        ckaInput = 'selection';
      } else {
        const { tokenizer } = m.base;
        const vocabSize = m.base.info.vocabSize;
        const exclude: number[] = [];
        for (let id = 0; id < vocabSize; id++) if (tokenizer.isSpecial(id)) exclude.push(id);
        ckaIds = Array.from({ length: BATCH }, (_, b) => inductionInput({ seed: sequenceSeed(p.seed, b), length: seqLen as number, vocabSize, bos: tokenizer.bosId ?? 0, exclude }));
      }
    }
    const nLayers = m.info.nLayers;
    const d = m.info.dModel;
    if (d === undefined) throw new InputError(`The width of ${folder.name}'s residual stream could not be found; CKA cannot read it.`);
    const hooks = Array.from({ length: nLayers + 1 }, (_, l) => hiddenHook(l));
    const layerStates = hooks.map(() => [] as Float32Array[]);
    for (const ids of ckaIds) {
      const acts = await ctx.instrumented.run(m, ids, hooks);
      hooks.forEach((h, l) => {
        const t = acts.get(h); // [1, T, d]
        if (!t) throw new InputError(`${folder.name} has no ${h}; its residual stream cannot be compared.`);
        layerStates[l].push(t.data.slice(0, ids.length * d));
      });
      acts.clear();
    }
    states.push(layerStates.map((parts) => concat(parts)));
    let icl: CheckpointRow['icl'];
    if (p.text) {
      const ids = fitToContext(m.base.tokenizer.encode(p.text), context, m.base.tokenizer.bosId).tokens.map((t) => t.id);
      if (ids.length - 1 >= MIN_ICL_TOKENS) {
        const { logits, vocab } = await lm.forward(ids); // [pos, vocab]
        const perToken = lossPerHalf(logits, vocab, ids).perToken; // [pos - 1] (its halves are not used here)
        windows = iclWindows(perToken.length);
        const early = mean(perToken, windows.early);
        const late = mean(perToken, windows.late);
        icl = { early, late, score: late - early };
      }
    }
    rows.push({
      step: folder.step, name: folder.name, dir: folder.dir,
      inductionBest: r.best.score, bestHead: { layer: r.best.layer, head: r.best.head },
      induction: Array.from(r.induction), nLayers: r.nLayers, nHeads: r.nHeads,
      lossFirstCopy: r.lossFirstHalf, lossSecondCopy: r.lossSecondHalf,
      ...(icl ? { icl } : {}),
      ckaToFinal: [],
    });
  }
  const final = states[states.length - 1];
  const n = (ckaIds ?? []).reduce((s, ids) => s + ids.length, 0);
  rows.forEach((row, i) => {
    row.ckaToFinal = states[i].map((x, l) => {
      const y = final[l];
      if (!y) return Number.NaN; // a checkpoint with more layers than the final one
      return linearCka(x, y, n, x.length / n, y.length / n);
    });
  });
  progress.report('run', folders.length, folders.length, 'done');
  return { model: p.folders?.length ? folders[folders.length - 1].name : basename(resolve(p.model)), checkpoints: rows, ckaInput, ...(windows ? { iclWindows: windows } : {}), seqLen: seqLen ?? 0, ms: performance.now() - t0 };
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, a) => s + a.length, 0));
  let o = 0;
  for (const a of parts) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}
