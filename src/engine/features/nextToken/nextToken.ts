import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { InputError } from '../../errors';
import type { LoadedLm } from '../../languageModels';
import { checkpoint, ROWS_PER_CHECKPOINT, throwIfCancelled } from '../../cancellation';
import { logitStats, targetOf } from '../../smallGraphs/logitStats';
import { targetLogSumExp } from '../../smallGraphs/targetLogSumExp';
import { fitToContext } from '../../contextWindows';
import { RunStore } from '../../runStore';
import { candidates, checkText } from '../lmShared';
import { generate } from './generate';
import { classCandidates, encoderPrediction } from './encoderPrediction';
import type { DecoderLm } from '../../runners/decoderLm';
import type { FeatureContext, FeatureHandlers } from '../context';
import type { PositionPrediction, PositionStats } from '../../../protocol/engine';

/** Keep a run's full logits for chip clicks only while they are this small (floats). */
const MAX_CACHED_LOGITS = 16 * 1024 * 1024;
/** Runs kept for chip clicks and generation; the logits they keep count against the byte bound. */
const KEPT_RUNS = 8;
const KEPT_BYTES = 96 * 1024 * 1024;

interface Run {
  model: LoadedLm;
  ids: number[];
  /** [seq, vocab] when small enough to keep */
  logits?: Float32Array;
  vocab: number;
}

/**
 * The next-token panel and the CLI: the selection's next-token candidates and per-position
 * statistics (`lm/nextToken`), one position's candidates on a chip click (`lm/position`) and
 * continuations (`lm/generate`), the last two reading a run kept under its runId.
 */
export function nextTokenHandlers(ctx: FeatureContext): FeatureHandlers<'lm/nextToken' | 'lm/position' | 'lm/generate'> {
  const runs = new RunStore<Run>(KEPT_RUNS, KEPT_BYTES);
  ctx.whenIdle?.(() => runs.clear());
  const keptRun = (runId: string): Run => {
    const run = runs.get(runId);
    if (!run) throw new InputError('That result is no longer in the engine (it restarted or the run is too old): inspect the selection again.');
    return run;
  };
  return {
    'lm/nextToken': async (p, signal) => {
      const started = performance.now();
      checkText(p.text);
      const model = await ctx.models.load(p.model);
      throwIfCancelled(signal);
      if (model.lm.kind !== 'decoder-lm') {
        // a masked LM's mask distribution or a classifier's classes (encoderPrediction.ts)
        const e = await encoderPrediction(model, p, signal);
        const runId = randomUUID();
        const kept = e.run.logits.length <= MAX_CACHED_LOGITS ? e.run.logits : undefined;
        runs.put(runId, { model, ids: e.run.ids, logits: kept, vocab: e.run.width }, kept?.byteLength ?? 0);
        return { ...e.result, runId, forwardMs: e.forwardMs, engineMs: performance.now() - started };
      }
      const lm: DecoderLm = model.lm;
      const all = model.tokenizer.encode(p.text);
      const limit = Math.min(model.lm.contextLength, Math.max(1, p.maxTokens));
      const { tokens, truncation } = fitToContext(all, limit, model.tokenizer.bosId);
      await checkpoint(signal); // tokenising may have taken long: a cancel that came meanwhile stops here
      const t0 = performance.now();
      // the finite check's own pass over every logit is left out: the statistics' graphs see a
      // NaN/±Inf logit on their way, and only then does the locating check run
      const { logits, vocab } = await lm.forward(tokens.map((t) => t.id), { finiteChecked: false });
      const forwardMs = performance.now() - t0;
      const seq = tokens.length;
      const ids = tokens.map((t) => t.id);
      const positionTopK = p.positionTopK ?? 0;
      const full = p.stats === 'full' || positionTopK > 0; // per-position predictions carry entropy and rank
      const { stats, logSumExps, finite } = await (full ? fullPositionStats : surprisalStats)(logits, vocab, ids, ctx.models.threads);
      if (!finite) lm.checkLogitsFinite(logits, vocab);
      let positions: PositionPrediction[] | undefined;
      if (positionTopK > 0) {
        positions = [];
        for (let i = 0; i < seq; i++) {
          if (i % ROWS_PER_CHECKPOINT === 0) await checkpoint(signal); // top-k over the vocabulary at every position
          positions.push(predictionAt(model, logits.subarray(i * vocab, (i + 1) * vocab), i, positionTopK, stats, logSumExps[i], ids[i + 1]));
        }
      }
      const last = logits.slice((seq - 1) * vocab, seq * vocab);
      const runId = randomUUID();
      const next = candidates(model, last, p.topK, logSumExps[seq - 1]); // the panel lists up to topK; its logits renormalise the rest
      const kept = seq * vocab <= MAX_CACHED_LOGITS ? logits : undefined;
      runs.put(runId, { model, ids, logits: kept, vocab }, kept?.byteLength ?? 0);
      return {
        model: model.info,
        tokens,
        truncation,
        lastLogits: last,
        next,
        stats,
        ...(positions ? { positions } : {}),
        runId,
        forwardMs,
        engineMs: performance.now() - started, // the last thing measured, so transport = round trip − this
      };
    },

    'lm/position': async (p, signal) => {
      const run = keptRun(p.runId);
      if (!Number.isInteger(p.position) || p.position < 0 || p.position >= run.ids.length) {
        throw new InputError(`Position ${p.position} is outside the selection's ${run.ids.length} tokens.`);
      }
      const lm = run.model.lm;
      if (lm.kind !== 'decoder-lm') {
        // encoders: row i is the distribution AT position i (a sequence classifier has one row)
        const at = lm.kind === 'sequence-classifier' ? 0 : p.position;
        const logits = run.logits ?? (lm.kind === 'masked-lm' ? (await lm.forward(run.ids)).logits : (await lm.classify(run.ids)).logits);
        const row = logits.slice(at * run.vocab, (at + 1) * run.vocab);
        const top = lm.kind === 'masked-lm' ? candidates(run.model, row, p.topK) : classCandidates(row, lm.labels, p.topK);
        return { position: p.position, logits: row, top };
      }
      let row: Float32Array;
      if (run.logits) {
        row = run.logits.slice(p.position * run.vocab, (p.position + 1) * run.vocab);
      } else {
        throwIfCancelled(signal);
        const { logits, vocab } = await lm.forward(run.ids.slice(0, p.position + 1));
        row = logits.slice(p.position * vocab, (p.position + 1) * vocab);
      }
      return { position: p.position, logits: row, top: candidates(run.model, row, p.topK) };
    },

    'lm/generate': async (p, signal) => {
      const run = keptRun(p.runId);
      return generate(run.model, run.ids, p, signal);
    },
  };
}

function allFinite(xs: Float32Array): boolean {
  for (let i = 0; i < xs.length; i++) if (!Number.isFinite(xs[i])) return false;
  return true;
}

interface StatsOfRun {
  stats: PositionStats;
  logSumExps: Float32Array;
  /** false when some logit is NaN/±∞ (checkLogitsFinite then locates it) */
  finite: boolean;
}

/** One position's candidates, with the statistics fullPositionStats computed for it (positionTopK > 0 asks for them). */
function predictionAt(model: LoadedLm, row: Float32Array, position: number, k: number, stats: PositionStats, lse: number, nextId?: number): PositionPrediction {
  const pred: PositionPrediction = { position, entropyBits: stats.entropyBits![position], top: candidates(model, row, k, lse) };
  if (nextId !== undefined) {
    pred.actual = { id: nextId, prob: stats.nextProb[position], logit: stats.nextLogit[position], rank: stats.nextRank![position], bits: stats.nextBits[position] };
  }
  return pred;
}

/** The next* columns (NaN at the last position, which has no next token). */
function nextColumns(seq: number): Omit<PositionStats, 'entropyBits' | 'nextRank'> {
  return { nextProb: new Float32Array(seq).fill(NaN), nextLogit: new Float32Array(seq).fill(NaN), nextBits: new Float32Array(seq).fill(NaN) };
}

/** logits [seq, vocab] → the actual next token's p, logit and bits at every position, and each row's log-sum-exp. */
async function surprisalStats(logits: Float32Array, vocab: number, ids: number[], threads: number): Promise<StatsOfRun> {
  const seq = ids.length;
  const { logSumExp, finite } = await targetLogSumExp(logits, vocab, ids.slice(1), threads); // row i's target is token i + 1
  const stats: PositionStats = nextColumns(seq);
  for (let i = 0; i + 1 < seq; i++) {
    const logit = logits[i * vocab + ids[i + 1]];
    const gap = logSumExp[i] - logit; // −ln p
    stats.nextLogit[i] = logit;
    stats.nextProb[i] = Math.exp(-gap);
    stats.nextBits[i] = gap / Math.LN2;
  }
  return { stats, logSumExps: logSumExp, finite };
}

/** logits [seq, vocab] → per-position entropy and the actual next token's p, logit, bits, rank (and each row's log-sum-exp). */
async function fullPositionStats(logits: Float32Array, vocab: number, ids: number[], threads: number): Promise<StatsOfRun> {
  const seq = ids.length;
  const s = await logitStats(logits, vocab, ids.slice(1), threads); // the last row has no target
  const stats = { ...nextColumns(seq), entropyBits: s.entropyNats.map((h) => h / Math.LN2), nextRank: new Int32Array(seq) };
  for (let i = 0; i + 1 < seq; i++) {
    const t = targetOf(s, i);
    stats.nextLogit[i] = t.logit;
    stats.nextProb[i] = t.prob;
    stats.nextBits[i] = t.bits;
    stats.nextRank[i] = t.rank;
  }
  // a NaN/±Inf logit makes its row's log-sum-exp or entropy NaN/±Inf
  return { stats, logSumExps: s.logSumExp, finite: allFinite(s.logSumExp) && allFinite(stats.entropyBits) };
}
