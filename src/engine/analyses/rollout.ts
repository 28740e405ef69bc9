// Attention rollout (Abnar & Zuidema 2020, as jacobgil/vit-explain computes it): per layer, fuse
// the heads (mean | max | min), drop the `discardRatio` smallest entries of the fused map (the
// diagonal kept), add the identity for the residual path, renormalise rows, and multiply the
// layers together from the first: rollout = Â_L · … · Â_1. Float64 inside.

export type HeadFusion = 'mean' | 'max' | 'min';

/** attentions: one [heads, n, n] per layer (row-major); → [n, n] rollout, rows summing to 1 */
export function attentionRollout(attentions: Float32Array[], heads: number, n: number, fusion: HeadFusion = 'mean', discardRatio = 0): Float32Array {
  let result = new Float64Array(n * n);
  for (let i = 0; i < n; i++) result[i * n + i] = 1;
  for (const layer of attentions) {
    const fused = new Float64Array(n * n);
    for (let j = 0; j < n * n; j++) {
      let v = fusion === 'mean' ? 0 : layer[j];
      for (let h = 0; h < heads; h++) {
        const x = layer[h * n * n + j];
        v = fusion === 'mean' ? v + x / heads : fusion === 'max' ? Math.max(v, x) : Math.min(v, x);
      }
      fused[j] = v;
    }
    if (discardRatio > 0) {
      // the smallest entries of the whole map are dropped, as vit-explain does (its CLS row aside, here every row counts)
      const order = Array.from({ length: n * n }, (_, j) => j).sort((a, b) => fused[a] - fused[b]);
      const drop = Math.floor(n * n * discardRatio);
      for (let k = 0; k < drop; k++) if (order[k] % (n + 1) !== 0) fused[order[k]] = 0;
    }
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < n; j++) sum += a[i * n + j] = fused[i * n + j] + (i === j ? 1 : 0);
      for (let j = 0; j < n; j++) a[i * n + j] /= sum;
    }
    const next = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < n; k++) {
        const aik = a[i * n + k];
        if (aik === 0) continue;
        for (let j = 0; j < n; j++) next[i * n + j] += aik * result[k * n + j];
      }
    }
    result = next;
  }
  return Float32Array.from(result);
}
