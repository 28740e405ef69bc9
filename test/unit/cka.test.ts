// Linear CKA's defining properties (Kornblith et al. 2019): CKA(X, X) = 1, invariance to orthogonal
// transforms and isotropic scaling, and a value well below 1 for unrelated representations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearCka } from '../../src/engine/analyses/cka';
import { seededRandom } from '../../src/util/distribution';

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function randomMatrix(n: number, d: number, seed: number): Float64Array {
  const r = seededRandom(seed);
  return Float64Array.from({ length: n * d }, () => gaussian(r));
}

/** A random d × d orthogonal matrix (Gram–Schmidt on a Gaussian one). */
function orthogonal(d: number, seed: number): Float64Array {
  const q = randomMatrix(d, d, seed); // rows become orthonormal
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      let dot = 0;
      for (let c = 0; c < d; c++) dot += q[i * d + c] * q[j * d + c];
      for (let c = 0; c < d; c++) q[i * d + c] -= dot * q[j * d + c];
    }
    let norm = 0;
    for (let c = 0; c < d; c++) norm += q[i * d + c] ** 2;
    for (let c = 0; c < d; c++) q[i * d + c] /= Math.sqrt(norm);
  }
  return q;
}

function multiply(x: Float64Array, n: number, d: number, q: Float64Array, e: number): Float64Array {
  const out = new Float64Array(n * e);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) for (let j = 0; j < e; j++) out[i * e + j] += x[i * d + k] * q[k * e + j];
  return out;
}

const N = 60;
const D = 8;

test('CKA of a representation with itself is 1', () => {
  const x = randomMatrix(N, D, 1);
  assert.ok(Math.abs(linearCka(x, x, N, D, D) - 1) < 1e-12);
});

test('CKA is invariant to an orthogonal transform and to isotropic scaling', () => {
  const x = randomMatrix(N, D, 2);
  // y: a noisy linear function of x in another width, so CKA(x, y) is neither 0 nor 1
  const y = multiply(x, N, D, randomMatrix(D, 5, 3), 5).map((v, i) => v + 2 * randomMatrix(N, 5, 4)[i]);
  const base = linearCka(x, y, N, D, 5);
  assert.ok(base > 0.1 && base < 0.95, `base CKA ${base}`);
  const rotated = multiply(x, N, D, orthogonal(D, 5), D);
  assert.ok(Math.abs(linearCka(rotated, y, N, D, 5) - base) < 1e-10, 'orthogonal transform of X');
  assert.ok(Math.abs(linearCka(x.map((v) => 7.5 * v), y.map((v) => 0.01 * v), N, D, 5) - base) < 1e-10, 'isotropic scaling');
  assert.ok(Math.abs(linearCka(y, x, N, 5, D) - base) < 1e-12, 'symmetric');
});

test('CKA is not invariant to an anisotropic scaling, and is small for unrelated data', () => {
  const x = randomMatrix(N, D, 6);
  const y = multiply(x, N, D, randomMatrix(D, 5, 7), 5);
  const stretched = Float64Array.from(x, (v, i) => (i % D === 0 ? 50 * v : v));
  assert.ok(Math.abs(linearCka(stretched, y, N, D, 5) - linearCka(x, y, N, D, 5)) > 1e-3);
  assert.ok(linearCka(x, randomMatrix(N, D, 8), N, D, D) < 0.5);
});
