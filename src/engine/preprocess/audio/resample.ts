// Band-limited resampling: a Kaiser-windowed sinc evaluated as a polyphase filter, with resampy's
// `kaiser_best` parameters (64 zero crossings, β = 14.769656459379492, rolloff 0.9475937167399596),
// the filter librosa used by default before soxr. Every output sample y[n] at input time
// t = n · from / to is Σ_k x[k] · h(t − k), h(d) = fc · sinc(fc · d) · kaiser(d · fc / 64),
// fc = rolloff · min(1, to / from); samples outside the clip count as zero. A rational ratio
// L / M (after the gcd) has L distinct phases, whose taps are built once per call; the inner
// loop runs over those 2W taps with four partial sums (summation order differs from a plain loop
// only by float rounding, ~1e-16 relative). The numpy reference
// (test/fixtures/audio/make_clips.py) evaluates the same formula directly.

export const KAISER_BEST = { zeros: 64, beta: 14.769656459379492, rolloff: 0.9475937167399596 };

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 200; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Output length as librosa: ceil(n · to / from). */
export function resampledLength(n: number, from: number, to: number): number {
  return Math.ceil((n * to) / from);
}

/** x at `from` Hz → float32 at `to` Hz (both whole numbers). */
export function resample(x: Float32Array, from: number, to: number, p = KAISER_BEST): Float32Array {
  if (from === to) return x;
  const g = gcd(from, to);
  const L = to / g; // phases
  const M = from / g; // input step per output sample, in units of 1/L
  const fc = p.rolloff * Math.min(1, to / from);
  const half = p.zeros / fc; // the filter's half-width in input samples
  const W = Math.ceil(half);
  const i0Beta = besselI0(p.beta);
  const taps = 2 * W;
  // table[phase][o + W - 1] = h(phase / L − o) for offsets o ∈ [−W + 1, W]
  const table = new Float64Array(L * taps);
  for (let ph = 0; ph < L; ph++) {
    for (let o = -W + 1; o <= W; o++) {
      const d = ph / L - o;
      if (Math.abs(d) >= half) continue;
      const u = d / half;
      const win = besselI0(p.beta * Math.sqrt(1 - u * u)) / i0Beta;
      const a = Math.PI * fc * d;
      table[ph * taps + o + W - 1] = fc * (d === 0 ? 1 : Math.sin(a) / a) * win;
    }
  }
  const n = resampledLength(x.length, from, to);
  const y = new Float32Array(n);
  const xs = Float64Array.from(x); // one conversion, not one per tap
  const last = x.length - 1;
  // outputs j advance the input position by M/L: track its whole part i and phase ph without dividing
  let i = 0;
  let ph = 0;
  for (let j = 0; j < n; j++) {
    const row = ph * taps + W - 1;
    if (i - W + 1 >= 0 && i + W <= last) {
      // interior (all but the clip's first and last ~W samples): no bounds, four partial sums
      const base = i - W + 1;
      const t0 = row - W + 1;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let k = 0;
      for (; k + 3 < taps; k += 4) {
        s0 += xs[base + k] * table[t0 + k];
        s1 += xs[base + k + 1] * table[t0 + k + 1];
        s2 += xs[base + k + 2] * table[t0 + k + 2];
        s3 += xs[base + k + 3] * table[t0 + k + 3];
      }
      for (; k < taps; k++) s0 += xs[base + k] * table[t0 + k];
      y[j] = s0 + s1 + (s2 + s3);
    } else {
      let s = 0;
      const lo = Math.max(-W + 1, -i);
      const hi = Math.min(W, last - i);
      for (let o = lo; o <= hi; o++) s += xs[i + o] * table[row + o];
      y[j] = s;
    }
    ph += M;
    while (ph >= L) {
      ph -= L;
      i++;
    }
  }
  return y;
}
