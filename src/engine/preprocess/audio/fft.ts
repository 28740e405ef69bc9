// A mixed-radix complex FFT for any length (Whisper's n_fft is 400 = 2^4 · 5^2, not a power of
// two). Recursive decimation in time with one twiddle table: n · Σ factors complex multiply-adds
// (400 → 7,200 instead of a direct DFT's 160,000). Float64 throughout, as numpy.fft.

export interface FftPlan {
  n: number;
  factors: number[];
  /** cos / sin of -2πj/n, j < n */
  cos: Float64Array;
  sin: Float64Array;
  /** scratch [2, n] per recursion depth */
  scratch: Float64Array[];
}

export function fftPlan(n: number): FftPlan {
  const factors: number[] = [];
  for (let m = n, p = 2; m > 1; ) {
    if (m % p === 0) {
      factors.push(p);
      m /= p;
    } else p = p === 2 ? 3 : p + 2;
  }
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    cos[j] = Math.cos((-2 * Math.PI * j) / n);
    sin[j] = Math.sin((-2 * Math.PI * j) / n);
  }
  return { n, factors, cos, sin, scratch: factors.map(() => new Float64Array(2 * n)) };
}

/** out = DFT(in): in read at inAt + k·stride for k < len; out written contiguously at outAt. */
function step(plan: FftPlan, depth: number, len: number, re: Float64Array, im: Float64Array, inAt: number, stride: number,
  outRe: Float64Array, outIm: Float64Array, outAt: number): void {
  if (len === 1) {
    outRe[outAt] = re[inAt];
    outIm[outAt] = im[inAt];
    return;
  }
  const p = plan.factors[depth];
  const m = len / p;
  for (let q = 0; q < p; q++) step(plan, depth + 1, m, re, im, inAt + q * stride, stride * p, outRe, outIm, outAt + q * m);
  // combine the p sub-transforms: X[k + r·m] = Σ_q W_len^{q(k + r·m)} · Y_q[k]
  const tmp = plan.scratch[depth];
  const twStep = plan.n / len;
  for (let k = 0; k < m; k++) {
    for (let r = 0; r < p; r++) {
      const idx = k + r * m;
      let sr = 0;
      let si = 0;
      for (let q = 0; q < p; q++) {
        const yr = outRe[outAt + q * m + k];
        const yi = outIm[outAt + q * m + k];
        const t = ((q * idx) % len) * twStep;
        const c = plan.cos[t];
        const s = plan.sin[t];
        sr += yr * c - yi * s;
        si += yr * s + yi * c;
      }
      tmp[idx] = sr;
      tmp[len + idx] = si;
    }
  }
  for (let i = 0; i < len; i++) {
    outRe[outAt + i] = tmp[i];
    outIm[outAt + i] = tmp[len + i];
  }
}

/** DFT of the complex signal (re, im) into (outRe, outIm), all of length plan.n. */
export function fft(plan: FftPlan, re: Float64Array, im: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
  step(plan, 0, plan.n, re, im, 0, 1, outRe, outIm, 0);
}
