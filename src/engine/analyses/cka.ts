// Linear centred kernel alignment (Kornblith et al. 2019, "Similarity of Neural Network
// Representations Revisited", eq. 5): how alike two representations of the same n examples are,
//
//   CKA(X, Y) = ‖Yᵀ X‖²_F / (‖Xᵀ X‖_F ‖Yᵀ Y‖_F)      with X [n, dx], Y [n, dy] column-centred.
//
// 1 for X against itself; unchanged by an orthogonal transform or an isotropic scaling of either
// side (not by arbitrary invertible maps, which is the point: a random projection is not "the same").
// Written through the d × d cross-products, so the cost is n · (dx + dy)² and not n².

/** Column-centred copy of x [n, d] in float64. */
function centred(x: ArrayLike<number>, n: number, d: number): Float64Array {
  const out = Float64Array.from(x as ArrayLike<number>);
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += out[i * d + j];
    mean /= n;
    for (let i = 0; i < n; i++) out[i * d + j] -= mean;
  }
  return out;
}

/** ‖Aᵀ B‖²_F for A [n, da], B [n, db]. */
function crossNormSquared(a: Float64Array, b: Float64Array, n: number, da: number, db: number): number {
  const m = new Float64Array(da * db); // [da, db]
  for (let i = 0; i < n; i++) {
    const ra = i * da;
    const rb = i * db;
    for (let p = 0; p < da; p++) {
      const v = a[ra + p];
      if (v === 0) continue;
      const row = p * db;
      for (let q = 0; q < db; q++) m[row + q] += v * b[rb + q];
    }
  }
  let s = 0;
  for (let i = 0; i < m.length; i++) s += m[i] * m[i];
  return s;
}

/** Linear CKA of X [n, dx] and Y [n, dy] (rows are the same examples); 0 when either side is constant. */
export function linearCka(x: ArrayLike<number>, y: ArrayLike<number>, n: number, dx: number, dy: number): number {
  if (x.length !== n * dx || y.length !== n * dy) throw new Error(`linearCka: expected [${n}, ${dx}] and [${n}, ${dy}], got ${x.length} and ${y.length} values`);
  const cx = centred(x, n, dx);
  const cy = centred(y, n, dy);
  const xy = crossNormSquared(cy, cx, n, dy, dx);
  const xx = Math.sqrt(crossNormSquared(cx, cx, n, dx, dx));
  const yy = Math.sqrt(crossNormSquared(cy, cy, n, dy, dy));
  return xx === 0 || yy === 0 ? 0 : xy / (xx * yy);
}
