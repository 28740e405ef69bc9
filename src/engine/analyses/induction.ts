/** The repeated-random-tokens test for induction heads: BOS + n random tokens + the same n again.
 * Induction heads make the second copy predictable, so its loss drops far below the first's. */
import { logSoftmax, seededRandom } from '../../util/distribution';

export { seededRandom };

export interface InductionInputOptions {
  seed: number;
  /** tokens per copy */
  length: number;
  vocabSize: number;
  bos: number;
  /** ids never drawn (BOS/EOS/pad and other specials); ids below `minId` are skipped too */
  exclude?: number[];
  minId?: number;
}

/** [bos, t1..tn, t1..tn]; tokens within one copy are distinct when the vocabulary allows it */
export function inductionInput(o: InductionInputOptions): number[] {
  const rand = seededRandom(o.seed);
  const banned = new Set([o.bos, ...(o.exclude ?? [])]);
  const lo = o.minId ?? 0;
  const distinct = o.vocabSize - lo - banned.size > 2 * o.length;
  const block: number[] = [];
  while (block.length < o.length) {
    const id = lo + Math.floor(rand() * (o.vocabSize - lo));
    if (banned.has(id) || (distinct && block.includes(id))) continue;
    block.push(id);
  }
  return [o.bos, ...block, ...block];
}

export interface HalfLoss {
  /** mean next-token loss (nats) predicting tokens 2..n of the first copy */
  firstHalf: number;
  /** mean loss predicting the n tokens of the second copy */
  secondHalf: number;
  /** loss predicting ids[t + 1] from position t, length ids.length - 1 */
  perToken: Float32Array;
}

/** logits: [pos, vocab] row-major for the ids above (batch removed) */
export function lossPerHalf(logits: Float32Array, vocab: number, ids: number[]): HalfLoss {
  const n = (ids.length - 1) / 2;
  const perToken = new Float32Array(ids.length - 1);
  for (let t = 0; t + 1 < ids.length; t++) perToken[t] = -logSoftmax(logits.subarray(t * vocab, (t + 1) * vocab))[ids[t + 1]];
  const mean = (a: Float32Array): number => a.reduce((x, y) => x + y, 0) / a.length;
  // position t predicts ids[t+1]: first copy targets 2..n (the first token is unpredictable) → t in 1..n-1
  return { firstHalf: mean(perToken.subarray(1, n)), secondHalf: mean(perToken.subarray(n, 2 * n)), perToken };
}
