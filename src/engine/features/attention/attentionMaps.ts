// Reductions of attention maps [query_pos, key_pos] for the attention panel. Rows arrive a chunk
// at a time (long inputs run through the KV cache), so everything here works row by row.
import { quantizeU8 } from '../../analyses/quantize';
import { columnStarts, type SummaryPlacement } from './patternSummaryFeeds';

/** One head's rows [start, start + R) over keys [0, K) as the instrumented graph reduced them (patternSummaryGraph.ts), batch 1. */
export interface SummarisedHead {
  /** [R, K] uint8 map, row r scaled by 255 / max[r] */
  q8: Uint8Array;
  /** [R] row maxima */
  max: Float32Array;
  /** [R] Σ p·ln p of each row (nats, ≤ 0) */
  plogp: Float32Array;
  /** [3R]: p[q, 0], p[q, q − 1], p[q, inductionTarget[q]] */
  pick: Float32Array;
  /** [Sr, Sc] the maxima of the thumbnail bins these rows and keys reach (placement says where they go) */
  pooled: Float32Array;
}

export interface HeadSummary {
  entropyBits: number;
  prevToken: number;
  firstToken: number;
  /** mean attention from a token to the token after its previous occurrence; null without repeats */
  induction: number | null;
}

/**
 * One head, reduced row by row: statistics, a max-pooled thumbnail and a uint8 copy of the map
 * with one scale per query row (p ≈ data · rowScale[q]), so diffuse rows of long inputs keep
 * their precision.
 */
export class HeadAccumulator {
  readonly data: Uint8Array; // [T, T]
  readonly rowScale: Float32Array; // [T]
  private readonly pooled: Float32Array; // [S, S]
  private readonly colStart: Int32Array; // [S + 1]
  private entropy = 0;
  private prev = 0;
  private first = 0;
  private induction = 0;
  private inductionCount = 0;

  constructor(
    private readonly T: number,
    private readonly S: number,
    /** for each query position, the position after the previous occurrence of its token (or -1) */
    private readonly inductionTarget: Int32Array,
  ) {
    this.data = new Uint8Array(T * T);
    this.rowScale = new Float32Array(T);
    this.pooled = new Float32Array(S * S);
    this.colStart = columnStarts(T, S);
  }

  /** Rows [start, start + R) at once, from the graph's reductions: what addRow does row by row, without a pass over the cells. */
  addSummarised(s: SummarisedHead, start: number, place: SummaryPlacement): void {
    const { T, S, pooled } = this;
    const R = s.max.length;
    const K = s.q8.length / R;
    for (let r = 0; r < R; r++) {
      const q = start + r;
      this.data.set(s.q8.subarray(r * K, (r + 1) * K), q * T);
      this.entropy -= s.plogp[r] / Math.LN2;
      this.first += s.pick[r];
      if (q > 0) this.prev += s.pick[R + r];
      if (this.inductionTarget[q] >= 0) {
        this.induction += s.pick[2 * R + r];
        this.inductionCount++;
      }
      this.rowScale[q] = s.max[r] / 255;
    }
    // a bin split between two chunks gets each one's maximum; the larger stays
    for (let i = 0; i < place.rowBins; i++) {
      for (let c = 0; c < place.colBins; c++) {
        const v = s.pooled[i * place.colBins + c];
        const at = (place.rowBin0 + i) * S + c;
        if (v > pooled[at]) pooled[at] = v;
      }
    }
  }

  /**
   * row: attention of query q over keys [0, row.length) (later keys are causally zero). `given`:
   * the row's entropy and maximum when a caller already has them; otherwise a first pass over the
   * non-zero keys computes them (rowEntropyAndMaxJs), then one pass writes the uint8 copy and the
   * thumbnail.
   */
  addRow(q: number, row: Float32Array, given?: { entropyBits: number; max: number }): void {
    const { T, S, pooled } = this;
    // A decoder's row is causally zero after its query: a zero cell writes 0 to the (zeroed) copy,
    // adds 0 to the entropy and never raises the pooled maximum, so the loops stop at the last
    // non-zero key. The backward scan only reads; it halved the copy loop, which was ~300 ms of a
    // 124M model's 512-token summary.
    let end = row.length;
    while (end > 0 && row[end - 1] === 0) end--;
    const { entropyBits, max } = given ?? rowEntropyAndMaxJs(row, end);
    this.entropy += entropyBits;
    this.first += row[0];
    if (q > 0) this.prev += row[q - 1];
    const target = this.inductionTarget[q];
    if (target >= 0) {
      this.induction += row[target];
      this.inductionCount++;
    }
    const scale = max / 255;
    this.rowScale[q] = scale;
    if (scale === 0) return; // an all-zero row: nothing to copy or pool
    const inv = 1 / scale;
    const out = this.data.subarray(q * T, (q + 1) * T);
    const pooledRow = Math.floor((q * S) / T) * S;
    // one thumbnail column's keys at a time: their maximum in a register, one pooled update per
    // column instead of a read-compare-write per cell
    const { colStart } = this;
    for (let c = 0; c < S && colStart[c] < end; c++) {
      const k1 = Math.min(colStart[c + 1], end);
      let m = 0;
      for (let k = colStart[c]; k < k1; k++) {
        const p = row[k];
        out[k] = p * inv + 0.5; // Uint8Array stores truncate: round half up for p ≥ 0
        if (p > m) m = p;
      }
      if (m > pooled[pooledRow + c]) pooled[pooledRow + c] = m;
    }
  }

  summary(): HeadSummary {
    const { T } = this;
    return {
      entropyBits: this.entropy / T,
      prevToken: T > 1 ? this.prev / (T - 1) : 0,
      firstToken: this.first / T,
      induction: this.inductionCount > 0 ? this.induction / this.inductionCount : null,
    };
  }

  /** [S, S] thumbnail, 0–255 of the pooled maximum (pooled ≥ 0 and holds a 0, so min = 0). */
  thumbnail(): Uint8Array {
    return quantizeU8(this.pooled).data;
  }
}

/**
 * A row's entropy (bits) and maximum over its first `end` keys (the rest are zero), in JavaScript.
 * Cheaper than onnxruntime here: its graph (Add, Log, Mul, ReduceSum, ReduceMax) made five passes
 * over every cell of the [heads, rows, keys] block, the causally zero half included, plus the
 * block's hand-over; a log per non-zero cell in one pass took half the time (12 × 512² cells,
 * min of 5 on the loaded VM: 53 → 24 ms per layer), and in double precision.
 */
function rowEntropyAndMaxJs(row: Float32Array, end: number): { entropyBits: number; max: number } {
  let h = 0;
  let max = 0;
  for (let k = 0; k < end; k++) {
    const p = row[k];
    if (p > 0) {
      h -= p * Math.log(p);
      if (p > max) max = p;
    }
  }
  return { entropyBits: h / Math.LN2, max };
}

/** For each position, the position after the previous occurrence of the same token (or -1). */
export function inductionTargets(ids: readonly number[]): Int32Array {
  const out = new Int32Array(ids.length).fill(-1);
  const lastSeen = new Map<number, number>();
  ids.forEach((id, q) => {
    const seen = lastSeen.get(id);
    if (seen !== undefined && seen + 1 < q) out[q] = seen + 1;
    lastSeen.set(id, q);
  });
  return out;
}

/** Statistics of a whole [T, T] map (tests and small callers). */
export function summarizeMap(map: Float32Array, T: number, ids: readonly number[]): HeadSummary {
  const acc = new HeadAccumulator(T, 1, inductionTargets(ids));
  for (let q = 0; q < T; q++) acc.addRow(q, map.subarray(q * T, (q + 1) * T));
  return acc.summary();
}
