// A mixed-radix complex FFT for any length (Whisper's n_fft is 400 = 4 · 4 · 5 · 5, not a power of
// two). Recursive decimation in time: each level multiplies its sub-transforms by the twiddles
// W_len^{q·k} (no modulo: q·k < len) and then does a p-point DFT across them with a p × p table;
// the last level reads the input directly. The 2-, 4- and 5-point DFTs are written out (radix-4
// needs no multiplication, radix-5 uses the cos/sin symmetry of its pairs: 8 real multiplies
// instead of 25 complex ones); other factors use the table. Float64 throughout, as numpy.fft.

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
  const t = plan.scratch[depth];
  if (m === 1) {
    for (let q = 0; q < p; q++) {
      t[q] = re[inAt + q * stride];
      t[p + q] = im[inAt + q * stride];
    }
    smallDft(p, pc, ps, t, outRe, outIm, outAt, 1);
    return;
  }
  for (let q = 0; q < p; q++) step(plan, depth + 1, m, re, im, inAt + q * stride, stride * p, outRe, outIm, outAt + q * m);
  // X[k + r·m] = Σ_q (W_len^{q·k} · Y_q[k]) · W_p^{q·r}
  const tw = plan.n / len;
  for (let k = 0; k < m; k++) {
    t[0] = outRe[outAt + k];
    t[p] = outIm[outAt + k];
    for (let q = 1; q < p; q++) {
      const at = outAt + q * m + k;
      const j = q * k * tw;
      const c = plan.cos[j];
      const s = plan.sin[j];
      const yr = outRe[at];
      const yi = outIm[at];
      t[q] = yr * c - yi * s;
      t[p + q] = yr * s + yi * c;
    }
    smallDft(p, pc, ps, t, outRe, outIm, outAt + k, m);
  }
}

const C1 = Math.cos((2 * Math.PI) / 5);
const C2 = Math.cos((4 * Math.PI) / 5);
const S1 = Math.sin((2 * Math.PI) / 5);
const S2 = Math.sin((4 * Math.PI) / 5);

/** out[at + r·m] = Σ_q t_q · W_p^{q·r} for the p values t (re in t[0..p), im in t[p..2p)). */
function smallDft(p: number, pc: Float64Array, ps: Float64Array, t: Float64Array, outRe: Float64Array, outIm: Float64Array, at: number, m: number): void {
  if (p === 4) {
    const ar = t[0] + t[2], ai = t[4] + t[6]; // x0 + x2
    const br = t[0] - t[2], bi = t[4] - t[6]; // x0 - x2
    const cr = t[1] + t[3], ci = t[5] + t[7]; // x1 + x3
    const dr = t[1] - t[3], di = t[5] - t[7]; // x1 - x3
    outRe[at] = ar + cr; outIm[at] = ai + ci;
    outRe[at + m] = br + di; outIm[at + m] = bi - dr; // (x0 - x2) - i(x1 - x3)
    outRe[at + 2 * m] = ar - cr; outIm[at + 2 * m] = ai - ci;
    outRe[at + 3 * m] = br - di; outIm[at + 3 * m] = bi + dr;
    return;
  }
  if (p === 5) {
    const x0r = t[0], x0i = t[5];
    const a1r = t[1] + t[4], a1i = t[6] + t[9], b1r = t[1] - t[4], b1i = t[6] - t[9];
    const a2r = t[2] + t[3], a2i = t[7] + t[8], b2r = t[2] - t[3], b2i = t[7] - t[8];
    const e1r = x0r + C1 * a1r + C2 * a2r, e1i = x0i + C1 * a1i + C2 * a2i;
    const e2r = x0r + C2 * a1r + C1 * a2r, e2i = x0i + C2 * a1i + C1 * a2i;
    const o1r = S1 * b1r + S2 * b2r, o1i = S1 * b1i + S2 * b2i; // X1 = e1 − i·o1, X4 = e1 + i·o1
    const o2r = S2 * b1r - S1 * b2r, o2i = S2 * b1i - S1 * b2i; // X2 = e2 − i·o2, X3 = e2 + i·o2
    outRe[at] = x0r + a1r + a2r; outIm[at] = x0i + a1i + a2i;
    outRe[at + m] = e1r + o1i; outIm[at + m] = e1i - o1r;
    outRe[at + 4 * m] = e1r - o1i; outIm[at + 4 * m] = e1i + o1r;
    outRe[at + 2 * m] = e2r + o2i; outIm[at + 2 * m] = e2i - o2r;
    outRe[at + 3 * m] = e2r - o2i; outIm[at + 3 * m] = e2i + o2r;
    return;
  }
  if (p === 2) {
    outRe[at] = t[0] + t[1]; outIm[at] = t[2] + t[3];
    outRe[at + m] = t[0] - t[1]; outIm[at + m] = t[2] - t[3];
    return;
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
    outRe[at + r * m] = sr;
    outIm[at + r * m] = si;
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
