// The per-run inputs of the attention summary graph (patternSummaryGraph.ts) for the query rows
// [start, end) of a T-token input over the keys [0, end): one pass is the chunk [0, T); a long
// input through the KV cache is several. Also where the run's thumbnail bins go in the S × S whole.
import { Tensor } from 'onnxruntime-node';
import { SUMMARY_INPUTS } from './patternSummaryGraph';

export interface SummaryRows {
  /** first query row of the run */
  start: number;
  /** one past its last; also the keys it sees (a decoder's chunk attends to every key so far; one pass: T) */
  end: number;
  /** tokens of the whole input, which the thumbnail's bins divide */
  T: number;
  /** thumbnail size */
  S: number;
}

export interface SummaryPlacement {
  /** the whole thumbnail's row bin of the run's first row bin */
  rowBin0: number;
  /** row bins and column bins the run's pooled output holds ([Sr, Sc]) */
  rowBins: number;
  colBins: number;
}

/** colStart[c] = the first key of thumbnail column c (key k → column floor(k·S/T)); colStart[S] = T. Every column has a key when T ≥ S. */
export function columnStarts(T: number, S: number): Int32Array {
  const starts = new Int32Array(S + 1).fill(T);
  for (let k = T - 1; k >= 0; k--) starts[Math.floor((k * S) / T)] = k;
  for (let c = S - 1; c >= 0; c--) starts[c] = Math.min(starts[c], starts[c + 1]);
  return starts;
}

/**
 * The positions of each bin in `bins`, cut to the run's [lo, hi) and counted from lo, each bin
 * padded to the widest with its own first position (a repeated row or key does not change a
 * maximum). Keys past the run's last are causally zero, so cutting a bin there loses nothing.
 */
function binIndices(starts: Int32Array, bins: number[], lo: number, hi: number): { data: BigInt64Array; width: number } {
  const ranges = bins.map((b) => [Math.max(starts[b], lo), Math.min(starts[b + 1], hi)]);
  const width = Math.max(1, ...ranges.map(([a, z]) => z - a));
  const data = new BigInt64Array(bins.length * width);
  ranges.forEach(([a, z], i) => {
    for (let j = 0; j < width; j++) data[i * width + j] = BigInt((a + j < z ? a + j : a) - lo);
  });
  return { data, width };
}

/**
 * The inputs for the rows [start, end): the reshape to [1, heads, rows, keys], the flat cells to
 * pick (for row r = q − start: [r·K] first token, [R + r] previous token, [2R + r] induction target,
 * q's own first cell where a row has none), and the thumbnail's row and column bins that the run
 * reaches (rows and columns share their binning: floor(i·S/T)).
 */
export function summaryFeeds(rows: SummaryRows, inductionTarget: Int32Array): { feeds: Record<string, Tensor>; placement: SummaryPlacement } {
  const { start, end, T, S } = rows;
  const [R, K] = [end - start, end];
  const pick = new BigInt64Array(3 * R);
  for (let r = 0; r < R; r++) {
    const q = start + r;
    pick[r] = BigInt(r * K);
    pick[R + r] = BigInt(r * K + Math.max(0, q - 1));
    pick[2 * R + r] = BigInt(r * K + Math.max(0, inductionTarget[q]));
  }
  const starts = columnStarts(T, S);
  const rowBin0 = Math.floor((start * S) / T);
  const rowBinList = Array.from({ length: Math.floor(((end - 1) * S) / T) - rowBin0 + 1 }, (_, i) => rowBin0 + i);
  const colBinList = Array.from({ length: S }, (_, c) => c).filter((c) => starts[c] < K);
  const rowBins = binIndices(starts, rowBinList, start, end);
  const colBins = binIndices(starts, colBinList, 0, K);
  const tensor = (data: BigInt64Array) => new Tensor('int64', data, [data.length]);
  const i64 = (values: number[]) => tensor(BigInt64Array.from(values.map(BigInt)));
  return {
    feeds: {
      [SUMMARY_INPUTS.shape]: i64([1, -1, R, K]),
      [SUMMARY_INPUTS.rowsShape]: i64([-1, K]),
      [SUMMARY_INPUTS.pick]: tensor(pick),
      [SUMMARY_INPUTS.rowBins]: tensor(rowBins.data),
      [SUMMARY_INPUTS.colBins]: tensor(colBins.data),
      [SUMMARY_INPUTS.rowShape]: i64([0, 0, rowBinList.length, rowBins.width, K]),
      [SUMMARY_INPUTS.colShape]: i64([0, 0, 0, colBinList.length, colBins.width]),
    },
    placement: { rowBin0, rowBins: rowBinList.length, colBins: colBinList.length },
  };
}
