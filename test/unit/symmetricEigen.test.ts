/** The symmetric eigen-solver (Householder + implicit QL) on matrices built from known eigenvalues
 * and eigenvectors (A = Q Λ Qᵀ with Q a product of Householder reflections, exact in float64), on
 * degenerate ones (repeated, zero, 1 × 1), and reading only the lower triangle. PCA and the
 * cross-modal map's numpy references (projector.test.ts, crossModalFit.test.ts) cover it too. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { symmetricEigen } from '../../src/engine/analyses/symmetricEigen';
import { seededRandom } from '../../src/util/distribution';

/** Q Λ Qᵀ for an orthogonal Q made of `reflections` random Householder reflections; returns A and Q's columns as rows */
function withSpectrum(lambda: number[], seed: number, reflections = 4): { a: Float64Array; q: Float64Array } {
  const n = lambda.length;
  const rand = seededRandom(seed);
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  for (let r = 0; r < reflections; r++) {
    const v = Array.from({ length: n }, () => rand() - 0.5);
    const norm2 = v.reduce((s, x) => s + x * x, 0);
    // Q ← (I − 2vvᵀ/|v|²) Q
    for (let c = 0; c < n; c++) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += v[k] * q[k * n + c];
      for (let k = 0; k < n; k++) q[k * n + c] -= (2 * v[k] * dot) / norm2;
    }
  }
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += q[i * n + k] * lambda[k] * q[j * n + k];
    a[i * n + j] = s;
  }
  return { a, q };
}

/** |A v − λ v| for every pair, and |VVᵀ − I| */
function check(a: Float64Array, n: number, values: Float64Array, vectors: Float64Array, tol: number): void {
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < n; i++) {
      let av = 0;
      for (let k = 0; k < n; k++) av += a[i * n + k] * vectors[r * n + k];
      assert.ok(Math.abs(av - values[r] * vectors[r * n + i]) <= tol, `A v = λ v fails for eigenpair ${r} at ${i}: ${av} vs ${values[r] * vectors[r * n + i]}`);
    }
    for (let s = 0; s <= r; s++) {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += vectors[r * n + k] * vectors[s * n + k];
      assert.ok(Math.abs(dot - (r === s ? 1 : 0)) <= 1e-10, `vectors ${r} · ${s} = ${dot}`);
    }
  }
  for (let r = 1; r < n; r++) assert.ok(values[r] <= values[r - 1], `values not descending at ${r}`);
}

test('recovers a known spectrum and its eigenvectors (n = 60, distinct values of both signs)', () => {
  const lambda = Array.from({ length: 60 }, (_, i) => (i % 2 ? -1 : 1) * (1 + i * 0.37));
  const { a, q } = withSpectrum(lambda, 11);
  const { values, vectors } = symmetricEigen(a, 60);
  const sorted = [...lambda].sort((x, y) => y - x);
  values.forEach((v, i) => assert.ok(Math.abs(v - sorted[i]) <= 1e-10, `value ${i}: ${v} vs ${sorted[i]}`));
  check(a, 60, values, vectors, 1e-9);
  // each vector is ± the column of Q that carries its eigenvalue
  for (let r = 0; r < 60; r++) {
    const col = lambda.indexOf(sorted[r]);
    let dot = 0;
    for (let k = 0; k < 60; k++) dot += vectors[r * 60 + k] * q[k * 60 + col];
    assert.ok(Math.abs(Math.abs(dot) - 1) <= 1e-9, `vector ${r} is not Q's column ${col} (dot ${dot})`);
  }
});

test('repeated, zero and tiny eigenvalues: an orthonormal basis of each eigenspace', () => {
  const lambda = [3, 3, 3, 1, 1, 0, 0, 1e-12, -2, -2];
  const { a } = withSpectrum(lambda, 5);
  const { values, vectors } = symmetricEigen(a, lambda.length);
  const sorted = [...lambda].sort((x, y) => y - x);
  values.forEach((v, i) => assert.ok(Math.abs(v - sorted[i]) <= 1e-12 * 10, `value ${i}: ${v} vs ${sorted[i]}`));
  check(a, lambda.length, values, vectors, 1e-12);
});

test('diagonal, zero, 1 × 1 and 2 × 2 matrices', () => {
  const diag = new Float64Array([2, 0, 0, 0, -5, 0, 0, 0, 7]);
  const d = symmetricEigen(diag, 3);
  assert.deepEqual([...d.values], [7, 2, -5]);
  check(diag, 3, d.values, d.vectors, 0);
  const zero = symmetricEigen(new Float64Array(16), 4);
  assert.deepEqual([...zero.values], [0, 0, 0, 0]);
  check(new Float64Array(16), 4, zero.values, zero.vectors, 0);
  assert.deepEqual([...symmetricEigen(new Float64Array([-3]), 1).values], [-3]);
  assert.equal(symmetricEigen(new Float64Array(0), 0).values.length, 0);
  // [[2, 1], [1, 2]]: 3 and 1, vectors (1, 1)/√2 and (1, −1)/√2
  const two = new Float64Array([2, 1, 1, 2]);
  const t = symmetricEigen(two, 2);
  assert.ok(Math.abs(t.values[0] - 3) < 1e-15 && Math.abs(t.values[1] - 1) < 1e-15, `${t.values}`);
  check(two, 2, t.values, t.vectors, 1e-15);
});

test('reads only the lower triangle (what it is documented to read)', () => {
  const { a } = withSpectrum([4, 2, 1, -1, -3], 9);
  const scrambled = Float64Array.from(a);
  for (let i = 0; i < 5; i++) for (let j = i + 1; j < 5; j++) scrambled[i * 5 + j] = 1e6 * (i + j);
  const clean = symmetricEigen(a, 5);
  const fromLower = symmetricEigen(scrambled, 5);
  assert.deepEqual([...fromLower.values], [...clean.values]);
  assert.deepEqual([...fromLower.vectors], [...clean.vectors]);
});

test('a NaN in the input ends with NaNs, never a hang', () => {
  const m = new Float64Array([1, 0, 0, NaN, 2, 0, 0, 0, 3]);
  const { values } = symmetricEigen(m, 3);
  assert.ok(values.some((v) => Number.isNaN(v)), `${values}`);
});
