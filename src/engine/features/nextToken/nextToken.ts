import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { InputError } from '../../errors';
import { tokenText, type LanguageModels, type LoadedLm } from '../../languageModels';
import type { KvCache } from '../../runners/decoderLm';
import type { CancelSignal } from '../../../protocol/rpc';
import { checkpoint, ROWS_PER_CHECKPOINT, throwIfCancelled } from '../../cancellation';
import type {
  Candidate,
  Continuation,
  GenerateParams,
  GenerateResult,
  SamplingDistribution,
  NextTokenParams,
  NextTokenResult,
  PositionParams,
  PositionPrediction,
  PositionStats,
  PositionResult,
  SurprisalParams,
  SurprisalResult,
  SurprisalToken,
  TokenInfo,
  Truncation,
} from '../../../protocol/engine';
import { filterDistribution, logSumExp, sampleIndex, seededRandom, topKIndices } from '../../../util/distribution';
import { logitStats, targetOf, type LogitStats } from '../../smallGraphs/logitStats';
import { fitToContext, slidingWindows } from '../../contextWindows';
import { MAX_TEXT_CHARS } from '../../../util/limits';
import { RunStore } from '../../runStore';

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

/** The text-model analyses behind the next-token panel, the surprisal view and the CLI. */
export class LmService {
  private readonly runs = new RunStore<Run>(KEPT_RUNS, KEPT_BYTES);

  constructor(private readonly models: LanguageModels) {}

  async nextToken(p: NextTokenParams, signal?: CancelSignal): Promise<NextTokenResult> {
    const started = performance.now();
    checkText(p.text);
    const model = await this.models.load(p.model);
    throwIfCancelled(signal);
    const all = model.tokenizer.encode(p.text);
    const limit = Math.min(model.lm.contextLength, Math.max(1, p.maxTokens));
    const { tokens, truncation } = fitToContext(all, limit, model.tokenizer.bosId);
    await checkpoint(signal); // tokenising may have taken long: a cancel that came meanwhile stops here
    const t0 = performance.now();
    const { logits, vocab } = await model.lm.forward(tokens.map((t) => t.id));
    const forwardMs = performance.now() - t0;
    const seq = tokens.length;
    const ids = tokens.map((t) => t.id);
    const { stats, logSumExps } = await positionStats(logits, vocab, ids, this.models.threads);
    const positionTopK = p.positionTopK ?? 0;
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
    const next = candidates(model, last, p.topK); // the panel lists up to topK; its logits renormalise the rest
    this.remember(runId, { model, ids, logits: seq * vocab <= MAX_CACHED_LOGITS ? logits : undefined, vocab });
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
  }

  async position(p: PositionParams, signal?: CancelSignal): Promise<PositionResult> {
    const run = this.run(p.runId);
    if (!Number.isInteger(p.position) || p.position < 0 || p.position >= run.ids.length) {
      throw new InputError(`Position ${p.position} is outside the selection's ${run.ids.length} tokens.`);
    }
    let row: Float32Array;
    if (run.logits) {
      row = run.logits.slice(p.position * run.vocab, (p.position + 1) * run.vocab);
    } else {
      throwIfCancelled(signal);
      const { logits, vocab } = await run.model.lm.forward(run.ids.slice(0, p.position + 1));
      row = logits.slice(p.position * vocab, (p.position + 1) * vocab);
    }
    return { position: p.position, logits: row, top: candidates(run.model, row, p.topK) };
  }

  /** Greedy or seeded sampled continuations, reusing the prompt's KV cache for every one. */
  async generate(p: GenerateParams, signal?: CancelSignal): Promise<GenerateResult> {
    const run = this.run(p.runId);
    const t0 = performance.now();
    const { lm } = run.model;
    const room = lm.contextLength - run.ids.length;
    const maxNew = Math.max(0, Math.min(p.maxNewTokens, room));
    if (maxNew === 0) throw new InputError(`The selection already fills the model's context of ${lm.contextLength} tokens.`);
    const prompt = await lm.forwardCached(run.ids);
    const lastPrompt = prompt.logits.slice((run.ids.length - 1) * prompt.vocab);
    const count = p.mode === 'greedy' ? 1 : Math.max(1, Math.min(p.count, 16));
    const sampling: SamplingDistribution = p.mode === 'greedy' ? { mode: 'greedy' } : { mode: 'sample', temperature: p.temperature, topK: p.topK, topP: p.topP };
    const continuations: Continuation[] = [];
    for (let c = 0; c < count; c++) {
      const random = seededRandom(p.seed + c);
      let row: Float32Array = lastPrompt;
      let past: KvCache = prompt.present;
      let pastLength = run.ids.length;
      const chosen: Continuation['tokens'] = [];
      let log2Prob = 0;
      let sampleLog2Prob = 0;
      for (let step = 0; step < maxNew; step++) {
        await checkpoint(signal); // each step filters the whole vocabulary
        const token = pickToken(row, sampling, random);
        log2Prob += token.logProb / Math.LN2;
        sampleLog2Prob += Math.log2(token.sampleProb);
        chosen.push({ ...token, text: tokenText(run.model, token.id) });
        if (step + 1 === maxNew || run.model.tokenizer.isSpecial(token.id)) break;
        const next = await lm.forwardCached([token.id], past, pastLength);
        past = next.present;
        pastLength += 1;
        row = next.logits;
      }
      continuations.push({ text: run.model.tokenizer.decode(chosen.map((t) => t.id)), tokens: chosen, log2Prob, sampleLog2Prob });
    }
    return { continuations, sampling, ms: performance.now() - t0 };
  }

  /** Per-token surprisal; texts longer than the context are scored in half-overlapping windows. */
  async surprisal(p: SurprisalParams, signal?: CancelSignal): Promise<SurprisalResult> {
    checkText(p.text);
    const t0 = performance.now();
    const model = await this.models.load(p.model);
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
      const { logits, vocab } = await model.lm.forward(ids);
      const stats = await logitStats(logits, vocab, ids.slice(1), this.models.threads); // row k − 1 predicts ids[k]
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
      ms: performance.now() - t0,
    };
  }

  private remember(runId: string, run: Run): void {
    this.runs.put(runId, run, run.logits?.byteLength ?? 0);
  }

  /** Drops the kept runs (the engine is idle and gives its memory back). */
  releaseRuns(): void {
    this.runs.clear();
  }

  private run(runId: string): Run {
    const run = this.runs.get(runId);
    if (!run) throw new InputError('That result is no longer in the engine (it restarted or the run is too old): inspect the selection again.');
    return run;
  }
}

function checkText(text: string): void {
  if (typeof text !== 'string' || text.length === 0) throw new InputError('Select some text first: the selection is empty.');
  if (text.length > MAX_TEXT_CHARS) {
    throw new InputError(`The selection has ${text.length.toLocaleString('en-US')} characters; Tensorloupe reads at most ${MAX_TEXT_CHARS.toLocaleString('en-US')}.`);
  }
}

/**
 * One generation step. The token's log p is always read from the model's own distribution
 * (log-softmax of the raw logits): under greedy's top-1 filter every token would have p = 1, and
 * a sampled token's filtered p says how the sampler saw it, not how likely the model finds it.
 */
function pickToken(row: Float32Array, sampling: SamplingDistribution, random: () => number): { id: number; prob: number; logProb: number; sampleProb: number } {
  let id: number;
  let sampleProb = 1;
  if (sampling.mode === 'greedy') {
    id = topKIndices(row, 1)[0];
  } else {
    const dist = filterDistribution(row, sampling);
    id = sampleIndex(dist.probs, random());
    sampleProb = dist.probs[id];
  }
  const logProb = row[id] - logSumExp(row);
  return { id, prob: Math.exp(logProb), logProb, sampleProb };
}

export function candidates(model: LoadedLm, logits: Float32Array, k: number, lse = logSumExp(logits)): Candidate[] {
  return topKIndices(logits, k).map((id, i) => ({
    id,
    text: tokenText(model, id),
    prob: Math.exp(logits[id] - lse),
    logit: logits[id],
    rank: i + 1,
  }));
}

/** One position's candidates, with the statistics positionStats already computed for it. */
function predictionAt(model: LoadedLm, row: Float32Array, position: number, k: number, stats: PositionStats, lse: number, nextId?: number): PositionPrediction {
  const pred: PositionPrediction = { position, entropyBits: stats.entropyBits[position], top: candidates(model, row, k, lse) };
  if (nextId !== undefined) {
    pred.actual = { id: nextId, prob: stats.nextProb[position], logit: stats.nextLogit[position], rank: stats.nextRank[position], bits: stats.nextBits[position] };
  }
  return pred;
}

/** logits [seq, vocab] → per-position entropy and the actual next token's p, logit, bits, rank (and each row's log-sum-exp). */
async function positionStats(logits: Float32Array, vocab: number, ids: number[], threads: number): Promise<{ stats: PositionStats; logSumExps: Float32Array }> {
  const seq = ids.length;
  const s = await logitStats(logits, vocab, ids.slice(1), threads); // row i's target is token i + 1; the last row has none
  const stats: PositionStats = {
    entropyBits: s.entropyNats.map((h) => h / Math.LN2),
    nextProb: new Float32Array(seq).fill(NaN),
    nextLogit: new Float32Array(seq).fill(NaN),
    nextBits: new Float32Array(seq).fill(NaN),
    nextRank: new Int32Array(seq),
  };
  for (let i = 0; i + 1 < seq; i++) {
    const t = targetOf(s, i);
    stats.nextLogit[i] = t.logit;
    stats.nextProb[i] = t.prob;
    stats.nextBits[i] = t.bits;
    stats.nextRank[i] = t.rank;
  }
  return { stats, logSumExps: s.logSumExp };
}

function surprisalOf(model: LoadedLm, row: Float32Array, token: TokenInfo, alternatives: number, stats: LogitStats, r: number): SurprisalToken {
  const { prob, bits, rank } = targetOf(stats, r);
  return { ...token, bits, prob, rank, alternatives: candidates(model, row, alternatives, stats.logSumExp[r]) };
}
