import type { RolloutFusion } from '../../protocol/vision';

/**
 * Attention rollout (Abnar & Zuidema 2020, "Quantifying Attention Flow in Transformers"), with
 * vit-explain's head fusion and discard ratio: per layer, fuse the heads (mean / max / min), zero
 * the lowest `discardRatio` share of the fused weights (never the CLS→CLS entry), add the identity
 * for the residual path, renormalise each row, and multiply the layers together from the first.
 * vit-explain divides by `a.sum(dim=-1)` broadcast along the wrong axis; the rows are normalised
 * here, as the paper defines it (test/fixtures/references/rollout.json is numpy's rollout).
 * patterns[l]: [heads, T, T] float32 (softmax rows). Returns the rollout [T, T], float64.
 */
export function attentionRollout(
  patterns: readonly Float32Array[],
  heads: number,
  tokens: number,
  fusion: RolloutFusion,
  discardRatio: number,
  /** what the discard never drops: a ViT's CLS→CLS entry (vit-explain), or the whole diagonal for models without a CLS token (audio frames) */
  keep: 'cls' | 'diagonal' = 'cls',
): Float64Array {
  const T = tokens;
  let result = identity(T);
  for (const p of patterns) {
    const fused = fuseHeads(p, heads, T, fusion);
    discardLowest(fused, discardRatio, keep === 'diagonal' ? T + 1 : 0);
    for (let i = 0; i < T; i++) {
      fused[i * T + i] += 1;
      let sum = 0;
      for (let j = 0; j < T; j++) sum += fused[i * T + j];
      // (A + I) / 2, each row divided by its sum (the halves cancel)
      for (let j = 0; j < T; j++) fused[i * T + j] /= sum;
    }
    result = matmul(fused, result, T);
  }
  return result;
}

/** [heads, T, T] → [T, T] by the element-wise mean, max or min over heads */
export function fuseHeads(p: Float32Array, heads: number, T: number, fusion: RolloutFusion): Float64Array {
  const out = new Float64Array(T * T);
  const n = T * T;
  for (let i = 0; i < n; i++) {
    let v = p[i];
    for (let h = 1; h < heads; h++) {
      const x = p[h * n + i];
      if (fusion === 'mean') v += x;
      else if (fusion === 'max') v = Math.max(v, x);
      else v = Math.min(v, x);
    }
    out[i] = fusion === 'mean' ? v / heads : v;
  }
  return out;
}

/**
 * Zeroes the floor(ratio · T²) smallest entries (as torch.topk(largest=False) over the flattened
 * map; equal values keep their lower index first), except flat index 0 (CLS→CLS), or every
 * diagonal entry when `diagonalStride` (T + 1) is given.
 */
function discardLowest(a: Float64Array, ratio: number, diagonalStride: number): void {
  const k = Math.floor(a.length * ratio);
  if (k <= 0) return;
  const order = Array.from(a.keys()).sort((x, y) => a[x] - a[y] || x - y);
  const kept = (j: number) => (diagonalStride > 0 ? j % diagonalStride === 0 : j === 0);
  for (let i = 0; i < k; i++) if (!kept(order[i])) a[order[i]] = 0;
}

function identity(T: number): Float64Array {
  const I = new Float64Array(T * T);
  for (let i = 0; i < T; i++) I[i * T + i] = 1;
  return I;
}

function matmul(a: Float64Array, b: Float64Array, T: number): Float64Array {
  const out = new Float64Array(T * T);
  for (let i = 0; i < T; i++) {
    for (let k = 0; k < T; k++) {
      const v = a[i * T + k];
      if (v === 0) continue;
      for (let j = 0; j < T; j++) out[i * T + j] += v * b[k * T + j];
    }
  }
  return out;
}

/** The CLS row over the patches (tokens prefix..T-1), divided by its maximum as vit-explain does. */
export function clsPatchMap(rollout: Float64Array, T: number, prefix: number): Float32Array {
  const out = new Float32Array(T - prefix);
  let max = 0;
  for (let j = prefix; j < T; j++) max = Math.max(max, rollout[j]);
  for (let j = prefix; j < T; j++) out[j - prefix] = max > 0 ? rollout[j] / max : 0;
  return out;
}
