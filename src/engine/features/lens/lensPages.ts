// Paging of the logit-lens grid. Every cell is a full unembedding (d_model × vocab multiply-adds
// plus a softmax over the vocabulary), so the whole grid of a GPT-2-small-sized model is about
// five forward passes while the panel shows a few columns at first: `lens/get` may ask for a
// range of positions and `lens/page` computes more of a kept run later.
import { lensGrid, type LensGrid, type LensRows } from './lensCompute';

/**
 * [from, to) of `T` positions from a slice-like request: negative values count from the end,
 * both are clamped to [0, T]; an empty or absent range means every position.
 */
export function positionRange(T: number, req?: { from: number; to: number }): { from: number; to: number } {
  if (!req) return { from: 0, to: T };
  const at = (v: number) => Math.max(0, Math.min(T, v < 0 ? T + v : v));
  const from = at(req.from);
  const to = at(req.to);
  return from < to ? { from, to } : { from: 0, to: T };
}

/** The grid of positions [from, to) only: [layer, to − from, …] arrays. `normed` as lensGrid's ([T, d_model] per row). */
export function lensGridRange(normed: Float32Array[], T: number, from: number, to: number, vocab: number, k: number, rows: LensRows, onRow?: (done: number, total: number) => void): Promise<LensGrid> {
  const d = normed[0].length / T;
  const slices = normed.map((a) => a.subarray(from * d, to * d));
  return lensGrid(slices, to - from, vocab, k, rows, onRow);
}

/** A range's grid placed into full-size [layer, T, …] arrays, zeros outside [from, to). */
export function widenGrid(g: LensGrid, layers: number, T: number, from: number, to: number, k: number): LensGrid {
  if (from === 0 && to === T) return g;
  const P = to - from;
  const full: LensGrid = {
    topIds: new Int32Array(layers * T * k),
    topProbs: new Float32Array(layers * T * k),
    klToFinal: new Float32Array(layers * T),
    entropyBits: new Float32Array(layers * T),
  };
  for (let l = 0; l < layers; l++) {
    full.topIds.set(g.topIds.subarray(l * P * k, (l + 1) * P * k), (l * T + from) * k);
    full.topProbs.set(g.topProbs.subarray(l * P * k, (l + 1) * P * k), (l * T + from) * k);
    full.klToFinal.set(g.klToFinal.subarray(l * P, (l + 1) * P), l * T + from);
    full.entropyBits.set(g.entropyBits.subarray(l * P, (l + 1) * P), l * T + from);
  }
  return full;
}
