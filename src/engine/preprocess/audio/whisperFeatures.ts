// Log-mel features exactly as Hugging Face's WhisperFeatureExtractor computes them: the audio
// (mono, at the model's rate) padded with zeros or cut to n_samples, a centred STFT with reflect
// padding (periodic Hann window of n_fft, hop hop_length), power spectrum, the last frame dropped,
// Slaney mel filters, log10(max(x, 1e-10)), max(x, max − 8) per example, (x + 4) / 4.
// Reference: models/train/whisper_features.py (numpy), checked by test/acceptance/audioFeatures.test.ts.
//
// Long clips are cut into windows whose starts are multiples of hop_length, so a window's inner
// frames are the clip's own frames: their mel energies are computed once and shared by the
// overlapping windows; only frames that touch a window's edge (reflect or zero padding) are
// computed for that window alone. The result is identical to running the extractor per window.
import { fft, fftPlan, type FftPlan } from './fft';
import { melFilters, type MelFilter } from './melFilters';

export interface WhisperFeatureConfig {
  sampleRate: number;
  nFft: number;
  hop: number;
  nMels: number;
  /** samples per example (chunk_length · sampling_rate); frames = nSamples / hop */
  nSamples: number;
}

export const LOG_MEL_FLOOR = 1e-10;

export class WhisperFeatures {
  readonly frames: number;
  private readonly plan: FftPlan;
  private readonly window: Float64Array;
  private readonly filters: MelFilter[];
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly outRe: Float64Array;
  private readonly outIm: Float64Array;
  /** log10 mel energies of the clip's own frames by centre sample / hop: [clipFrames, nMels] (float32: 4 bytes a value, an hour of audio ~115 MB) */
  private readonly shared: Float32Array;
  /** which of `shared`'s frames are computed */
  private readonly have: Uint8Array;

  constructor(
    readonly cfg: WhisperFeatureConfig,
    private readonly audio: Float32Array, // [samples] mono at cfg.sampleRate
  ) {
    this.frames = Math.floor(cfg.nSamples / cfg.hop);
    this.plan = fftPlan(cfg.nFft);
    this.window = Float64Array.from({ length: cfg.nFft }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / cfg.nFft));
    this.filters = melFilters(cfg.sampleRate, cfg.nFft, cfg.nMels);
    [this.re, this.im, this.outRe, this.outIm] = [0, 0, 0, 0].map(() => new Float64Array(cfg.nFft));
    const clipFrames = Math.floor(audio.length / cfg.hop) + 1;
    this.shared = new Float32Array(clipFrames * cfg.nMels);
    this.have = new Uint8Array(clipFrames);
  }

  /**
   * input_features of the example starting at sample `start`: float32 [nMels, frames]. `nSamples`
   * (a multiple of hop) other than the model's gives a longer example, e.g. the whole clip's
   * spectrogram, sharing the clip's frames with the windows.
   */
  example(start: number, nSamples = this.cfg.nSamples): Float32Array {
    const { nFft, hop, nMels } = this.cfg;
    const half = nFft >> 1;
    const frames = Math.floor(nSamples / hop);
    const end = Math.min(start + nSamples, this.audio.length);
    const logMel = new Float64Array(nMels * frames);
    let local: Float64Array | undefined;
    const pending: { j: number; seg: Float64Array }[] = [];
    for (let j = 0; j < frames; j++) {
      const c = start + j * hop; // centre, in clip samples
      const inside = c - half >= start && c + half <= end;
      const f = c / hop; // a whole number: window starts are multiples of hop
      if (inside && this.have[f]) this.put(logMel, frames, j, this.shared.subarray(f * nMels, (f + 1) * nMels));
      else if (inside) pending.push({ j, seg: this.segment(this.audio, c - half) });
      else {
        local ??= this.padded(start, end, nSamples);
        pending.push({ j, seg: this.segment(local, j * hop) }); // local is already reflect-padded by `half`
      }
    }
    for (let i = 0; i < pending.length; i += 2) {
      const [a, b] = [pending[i], pending[i + 1]];
      const [ma, mb] = this.melPair(a.seg, b?.seg);
      for (const [p, m] of [[a, ma], [b, mb]] as const) {
        if (!p || !m) continue;
        this.put(logMel, frames, p.j, m);
        const c = start + p.j * hop;
        if (c - half >= start && c + half <= end && c % hop === 0) {
          this.shared.set(m, (c / hop) * nMels);
          this.have[c / hop] = 1;
        }
      }
    }
    let max = -Infinity;
    for (const v of logMel) if (v > max) max = v;
    const out = new Float32Array(logMel.length);
    for (let i = 0; i < logMel.length; i++) out[i] = (Math.max(logMel[i], max - 8) + 4) / 4;
    return out;
  }

  /** log mel energies, row-major [nMels, frames] */
  private put(logMel: Float64Array, frames: number, j: number, mel: Float64Array | Float32Array): void {
    for (let m = 0; m < mel.length; m++) logMel[m * frames + j] = mel[m];
  }

  private segment(source: Float32Array | Float64Array, at: number): Float64Array {
    const seg = new Float64Array(this.cfg.nFft);
    for (let i = 0; i < seg.length; i++) seg[i] = source[at + i] * this.window[i];
    return seg;
  }

  /** the example's samples (zero-padded to nSamples) with numpy's reflect padding of nFft/2 each side */
  private padded(start: number, end: number, nSamples: number): Float64Array {
    const { nFft } = this.cfg;
    const half = nFft >> 1;
    const x = new Float64Array(nSamples);
    for (let i = start; i < end; i++) x[i - start] = this.audio[i];
    const out = new Float64Array(nSamples + nFft);
    out.set(x, half);
    for (let i = 1; i <= half; i++) {
      out[half - i] = x[i];
      out[half + nSamples - 1 + i] = x[nSamples - 1 - i];
    }
    return out;
  }

  /** Two real frames through one complex FFT (a + ib), split by conjugate symmetry. */
  private melPair(a: Float64Array, b: Float64Array | undefined): [Float64Array, Float64Array | undefined] {
    const n = this.cfg.nFft;
    this.re.set(a);
    if (b) this.im.set(b);
    else this.im.fill(0);
    fft(this.plan, this.re, this.im, this.outRe, this.outIm);
    const bins = (n >> 1) + 1;
    const pa = new Float64Array(bins);
    const pb = new Float64Array(bins);
    for (let k = 0; k < bins; k++) {
      const nk = (n - k) % n;
      const [zr, zi, cr, ci] = [this.outRe[k], this.outIm[k], this.outRe[nk], -this.outIm[nk]];
      const ar = (zr + cr) / 2; // A[k] = (Z[k] + conj Z[n-k]) / 2
      const ai = (zi + ci) / 2;
      const br = (zi - ci) / 2; // B[k] = (Z[k] - conj Z[n-k]) / 2i
      const bi = (cr - zr) / 2;
      pa[k] = ar * ar + ai * ai;
      pb[k] = br * br + bi * bi;
    }
    return [this.mel(pa), b ? this.mel(pb) : undefined];
  }

  private mel(power: Float64Array): Float64Array {
    const out = new Float64Array(this.filters.length);
    this.filters.forEach((f, m) => {
      let s = 0;
      for (let i = 0; i < f.weights.length; i++) s += f.weights[i] * power[f.start + i];
      out[m] = Math.log10(Math.max(s, LOG_MEL_FLOOR));
    });
    return out;
  }
}
