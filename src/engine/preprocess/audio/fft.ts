// A mixed-radix complex FFT for any length (Whisper's n_fft is 400 = 4 · 4 · 5 · 5, not a power of
// two). Recursive decimation in time: each level multiplies its sub-transforms by the twiddles
// W_len^{q·k} (no modulo: q·k < len) and then does a p-point DFT across them with a p × p table;
// the last level reads the input directly. ~n · (Σ p + depth) complex multiply-adds (400 → ~8,800
// instead of a direct DFT's 160,000). Float64 throughout, as numpy.fft.

export interface FftPlan {
  n: number;
  factors: number[];
  /** cos / sin of -2πj/n, j < n */
  cos: Float64Array;
  sin: Float64Array;
  /** per level: the p × p DFT table cos / sin of -2π·q·r/p */
  small: { cos: Float64Array; sin: Float64Array }[];
  /** scratch [2 · p] per level */
  scratch: Float64Array[];
}

export function fftPlan(n: number): FftPlan {
  const factors: number[] = [];
  let m = n;
  while (m % 4 === 0) {
    factors.push(4);
    m /= 4;
  }
  for (let p = 2; m > 1; ) {
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
  const small = factors.map((p) => {
    const c = new Float64Array(p * p);
    const s = new Float64Array(p * p);
    for (let q = 0; q < p; q++) for (let r = 0; r < p; r++) {
      c[q * p + r] = Math.cos((-2 * Math.PI * ((q * r) % p)) / p);
      s[q * p + r] = Math.sin((-2 * Math.PI * ((q * r) % p)) / p);
    }
    return { cos: c, sin: s };
  });
  return { n, factors, cos, sin, small, scratch: factors.map((p) => new Float64Array(2 * p)) };
}

/** out[outAt..outAt+len) = DFT of in[inAt + k·stride], k < len */
function step(plan: FftPlan, depth: number, len: number, re: Float64Array, im: Float64Array, inAt: number, stride: number,
  outRe: Float64Array, outIm: Float64Array, outAt: number): void {
  const p = plan.factors[depth];
  const m = len / p;
  const { cos: pc, sin: ps } = plan.small[depth];
  if (m === 1) {
    for (let r = 0; r < p; r++) {
      let sr = 0;
      let si = 0;
      for (let q = 0; q < p; q++) {
        const xr = re[inAt + q * stride];
        const xi = im[inAt + q * stride];
        const c = pc[q * p + r];
        const s = ps[q * p + r];
        sr += xr * c - xi * s;
        si += xr * s + xi * c;
      }
      outRe[outAt + r] = sr;
      outIm[outAt + r] = si;
    }
    return;
  }
  for (let q = 0; q < p; q++) step(plan, depth + 1, m, re, im, inAt + q * stride, stride * p, outRe, outIm, outAt + q * m);
  // X[k + r·m] = Σ_q (W_len^{q·k} · Y_q[k]) · W_p^{q·r}
  const tw = plan.n / len;
  const t = plan.scratch[depth];
  for (let k = 0; k < m; k++) {
    for (let q = 0; q < p; q++) {
      const at = outAt + q * m + k;
      const j = q * k * tw;
      const c = plan.cos[j];
      const s = plan.sin[j];
      const yr = outRe[at];
      const yi = outIm[at];
      t[q] = yr * c - yi * s;
      t[p + q] = yr * s + yi * c;
    }
    for (let r = 0; r < p; r++) {
      let sr = 0;
      let si = 0;
      for (let q = 0; q < p; q++) {
        const c = pc[q * p + r];
        const s = ps[q * p + r];
        sr += t[q] * c - t[p + q] * s;
        si += t[q] * s + t[p + q] * c;
      }
      outRe[outAt + r * m + k] = sr;
      outIm[outAt + r * m + k] = si;
    }
  }
}

/** DFT of the complex signal (re, im) into (outRe, outIm), all of length plan.n. */
export function fft(plan: FftPlan, re: Float64Array, im: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
  if (plan.n === 1) {
    outRe[0] = re[0];
    outIm[0] = im[0];
    return;
  }
  step(plan, 0, plan.n, re, im, 0, 1, outRe, outIm, 0);
}
