// Per-head scores of the induction scan, averaged over the batch, plus the first sequence's
// patterns quantised to uint8 so the panel can show any head's map without another run.
import { headStats } from '../../analyses/headStats';

/** Above this, the first sequence's maps are not sent (a 12 × 12-head model at seqLen 512 would be 150 MB). */
const MAX_PATTERN_BYTES = 16 * 1024 * 1024;

export interface InductionScores {
  nHeads: number;
  /** [layer, head] attention from the second copy to the token after the first occurrence */
  induction: Float32Array;
  /** [layer, head] attention from the second copy to the first occurrence itself */
  duplicate: Float32Array;
  /** [layer, head] attention to the previous token (the other half of an induction circuit) */
  previous: Float32Array;
  /** [layer, head, S, S] of sequence 0, 0–255 = probability 0–1; undefined when too large to send */
  patterns: Uint8Array | undefined;
  best: { layer: number; head: number; score: number };
}

export function inductionAccumulator(seqLen: number, nLayers: number) {
  const S = 2 * seqLen + 1;
  let nHeads = 0;
  let induction = new Float32Array(0);
  let duplicate = new Float32Array(0);
  let previous = new Float32Array(0);
  let patterns = new Uint8Array(0);
  return {
    /** data: one layer's pattern [1, head, S, S]; keepPattern: store it for the panel */
    add(layer: number, dims: number[], data: Float32Array, keepPattern: boolean): void {
      const H = dims[dims.length - 3];
      if (nHeads === 0) {
        nHeads = H;
        induction = new Float32Array(nLayers * H);
        duplicate = new Float32Array(nLayers * H);
        previous = new Float32Array(nLayers * H);
        if (nLayers * H * S * S <= MAX_PATTERN_BYTES) patterns = new Uint8Array(nLayers * H * S * S);
      }
      const stats = headStats({ dims: [H, S, S], data }, seqLen);
      for (const s of stats) {
        const i = layer * nHeads + s.head;
        induction[i] += s.induction;
        duplicate[i] += s.duplicateToken;
        previous[i] += s.previousToken;
      }
      if (keepPattern && patterns.length) {
        const out = patterns.subarray(layer * nHeads * S * S, (layer + 1) * nHeads * S * S);
        for (let j = 0; j < out.length; j++) out[j] = Math.round(Math.min(1, Math.max(0, data[j])) * 255);
      }
    },
    finish(batch: number): InductionScores {
      for (const a of [induction, duplicate, previous]) for (let i = 0; i < a.length; i++) a[i] /= batch;
      let best = { layer: 0, head: 0, score: -Infinity };
      induction.forEach((v, i) => {
        if (v > best.score) best = { layer: Math.floor(i / nHeads), head: i % nHeads, score: v };
      });
      return { nHeads, induction, duplicate, previous, patterns: patterns.length ? patterns : undefined, best };
    },
  };
}
