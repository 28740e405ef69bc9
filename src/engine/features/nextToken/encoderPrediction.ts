import { InputError } from '../../errors';
import type { LoadedLm } from '../../languageModels';
import type { MaskedLm } from '../../runners/maskedLm';
import type { Classifier } from '../../runners/classifier';
import { checkpoint, ROWS_PER_CHECKPOINT } from '../../cancellation';
import { fitToContext } from '../../contextWindows';
import { entropyBits, logSumExp, softmax, topKIndices } from '../../../util/distribution';
import { candidates } from '../lmShared';
import type { CancelSignal } from '../../../protocol/rpc';
import type { Candidate, NextTokenParams, NextTokenResult, PositionPrediction, PositionStats, TokenInfo } from '../../../protocol/engine';

/** What nextToken.ts keeps of an encoder's run for chip clicks (lm/position). */
export interface EncoderRun {
  ids: number[];
  /** [rows, width]: vocab logits per position (masked LM) or class logits (classifiers) */
  logits: Float32Array;
  width: number;
}

/** The "next token" view of a model that is not a decoder: a mask's distribution, or classes. */
export async function encoderPrediction(
  model: LoadedLm,
  p: NextTokenParams,
  signal: CancelSignal | undefined,
): Promise<{ result: Omit<NextTokenResult, 'runId' | 'forwardMs' | 'engineMs'>; run: EncoderRun; forwardMs: number }> {
  const lm = model.lm as MaskedLm | Classifier;
  const all = model.tokenizer.encode(p.text);
  const { tokens, truncation } = fitToContext(all, Math.min(lm.contextLength, Math.max(1, p.maxTokens)), model.tokenizer.bosId);
  await checkpoint(signal);
  const ids = tokens.map((t) => t.id);
  const t0 = performance.now();
  if (lm.kind === 'masked-lm') {
    const { masked, positions, maskedSelection } = maskPositions(tokens, lm.maskId, model.tokenizer.isSpecial.bind(model.tokenizer));
    const { logits, vocab } = await lm.forward(masked);
    const forwardMs = performance.now() - t0;
    const row = (i: number) => logits.subarray(i * vocab, (i + 1) * vocab);
    const masks = positions.map((position) => ({ position, top: candidates(model, row(position), p.topK) }));
    const last = positions[positions.length - 1];
    const out = await perPosition(tokens.length, (i) => row(i), (r, k) => candidates(model, r, k), p.positionTopK ?? 0, signal);
    return {
      result: {
        model: model.info,
        tokens,
        truncation,
        lastLogits: logits.slice(last * vocab, (last + 1) * vocab),
        next: masks[masks.length - 1].top,
        stats: out.stats,
        ...(out.positions ? { positions: out.positions } : {}),
        objective: 'masked',
        masks,
        maskedSelection,
      },
      run: { ids: masked, logits, width: vocab },
      forwardMs,
    };
  }
  const { logits, labels } = await lm.classify(ids);
  const forwardMs = performance.now() - t0;
  const n = labels.length;
  const classes = (r: Float32Array, k: number) => classCandidates(r, labels, k);
  if (lm.kind === 'sequence-classifier') {
    const stats = emptyStats(tokens.length);
    stats.entropyBits[tokens.length - 1] = entropyBits(softmax(logits));
    return {
      result: { model: model.info, tokens, truncation, lastLogits: logits.slice(), next: classes(logits, p.topK), stats, objective: 'sequence-classification', labels: [...labels] },
      run: { ids, logits, width: n },
      forwardMs,
    };
  }
  const row = (i: number) => logits.subarray(i * n, (i + 1) * n);
  const out = await perPosition(tokens.length, row, classes, p.positionTopK ?? 0, signal);
  const tokenClasses = tokens.map((_, position) => ({ position, top: classes(row(position), p.topK) }));
  const shown = lastContentToken(tokens, model.tokenizer.isSpecial.bind(model.tokenizer));
  return {
    result: {
      model: model.info,
      tokens,
      truncation,
      lastLogits: row(shown).slice(),
      next: tokenClasses[shown].top,
      stats: out.stats,
      ...(out.positions ? { positions: out.positions } : {}),
      objective: 'token-classification',
      labels: [...labels],
      tokenClasses,
    },
    run: { ids, logits, width: n },
    forwardMs,
  };
}

/**
 * The positions to predict: every mask the text holds; with none, its last token that is not a
 * special one ([CLS], [SEP]) is masked, so the view shows what the model would put there.
 */
export function maskPositions(tokens: readonly TokenInfo[], maskId: number, isSpecial: (id: number) => boolean): { masked: number[]; positions: number[]; maskedSelection: boolean } {
  const ids = tokens.map((t) => t.id);
  const positions = ids.flatMap((id, i) => (id === maskId ? [i] : []));
  if (positions.length > 0) return { masked: ids, positions, maskedSelection: false };
  const last = lastContentToken(tokens, isSpecial);
  if (tokens[last].special || isSpecial(ids[last])) throw new InputError('The selection has no token to mask (only special tokens).');
  const masked = ids.slice();
  masked[last] = maskId;
  return { masked, positions: [last], maskedSelection: true };
}

function lastContentToken(tokens: readonly TokenInfo[], isSpecial: (id: number) => boolean): number {
  for (let i = tokens.length - 1; i >= 0; i--) if (!tokens[i].special && !isSpecial(tokens[i].id)) return i;
  return tokens.length - 1;
}

/** classes as candidates: id = class index, text = its label */
export function classCandidates(logits: Float32Array, labels: readonly string[], k: number): Candidate[] {
  const lse = logSumExp(logits);
  return topKIndices(logits, k).map((id, i) => ({ id, text: labels[id] ?? `LABEL_${id}`, prob: Math.exp(logits[id] - lse), logit: logits[id], rank: i + 1 }));
}

function emptyStats(seq: number): Required<PositionStats> {
  return {
    entropyBits: new Float32Array(seq).fill(NaN),
    nextProb: new Float32Array(seq).fill(NaN),
    nextLogit: new Float32Array(seq).fill(NaN),
    nextBits: new Float32Array(seq).fill(NaN),
    nextRank: new Int32Array(seq),
  };
}

/** entropy of each position's own distribution, and its candidates when asked */
async function perPosition(
  seq: number,
  row: (i: number) => Float32Array,
  top: (r: Float32Array, k: number) => Candidate[],
  k: number,
  signal: CancelSignal | undefined,
): Promise<{ stats: PositionStats; positions?: PositionPrediction[] }> {
  const stats = emptyStats(seq);
  const positions: PositionPrediction[] = [];
  for (let i = 0; i < seq; i++) {
    if (i % ROWS_PER_CHECKPOINT === 0) await checkpoint(signal);
    stats.entropyBits[i] = entropyBits(softmax(row(i)));
    if (k > 0) positions.push({ position: i, entropyBits: stats.entropyBits[i], top: top(row(i), k) });
  }
  return { stats, ...(k > 0 ? { positions } : {}) };
}
