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
  private readonly powA: Float64Array;
  private readonly powB: Float64Array;
  private readonly melA: Float64Array;
  private readonly melB: Float64Array;
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
    this.powA = new Float64Array((cfg.nFft >> 1) + 1);
    this.powB = new Float64Array((cfg.nFft >> 1) + 1);
    this.melA = new Float64Array(cfg.nMels);
    this.melB = new Float64Array(cfg.nMels);
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
    // frames still to compute: their index j, the samples they read and where their first sample is
    const pendJ: number[] = [];
    const pendSrc: (Float32Array | Float64Array)[] = [];
    const pendAt: number[] = [];
    for (let j = 0; j < frames; j++) {
      const c = start + j * hop; // centre, in clip samples
      const inside = c - half >= start && c + half <= end;
      const f = c / hop; // a whole number: window starts are multiples of hop
      if (inside && this.have[f]) this.put(logMel, frames, j, this.shared.subarray(f * nMels, (f + 1) * nMels));
      else {
        pendJ.push(j);
        if (inside) {
          pendSrc.push(this.audio);
          pendAt.push(c - half);
        } else {
          local ??= this.padded(start, end, nSamples);
          pendSrc.push(local); // already reflect-padded by `half`
          pendAt.push(j * hop);
        }
      }
    }
    for (let i = 0; i < pendJ.length; i += 2) {
      const two = i + 1 < pendJ.length;
      this.melPair(pendSrc[i], pendAt[i], two ? pendSrc[i + 1] : undefined, two ? pendAt[i + 1] : 0);
      for (let t = 0; t < (two ? 2 : 1); t++) {
        const j = pendJ[i + t];
        const m = t === 0 ? this.melA : this.melB;
        this.put(logMel, frames, j, m);
        const c = start + j * hop;
        if (c - half >= start && c + half <= end && c % hop === 0) {
          this.shared.set(m, (c / hop) * nMels);
          this.have[c / hop] = 1;
        }
      }
    }
    let max = -Infinity;
    for (let i = 0; i < logMel.length; i++) if (logMel[i] > max) max = logMel[i];
    const out = new Float32Array(logMel.length);
    const floor = max - 8;
    for (let i = 0; i < logMel.length; i++) out[i] = ((logMel[i] > floor ? logMel[i] : floor) + 4) / 4;
    return out;
  }

  /** log mel energies, row-major [nMels, frames] */
  private put(logMel: Float64Array, frames: number, j: number, mel: Float64Array | Float32Array): void {
    for (let m = 0; m < mel.length; m++) logMel[m * frames + j] = mel[m];
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

  /** Two real frames (windowed here) through one complex FFT (a + ib), split by conjugate symmetry, into melA / melB. */
  private melPair(srcA: Float32Array | Float64Array, atA: number, srcB: Float32Array | Float64Array | undefined, atB: number): void {
    const n = this.cfg.nFft;
    const { re, im, outRe, outIm, window: w, powA, powB } = this;
    for (let i = 0; i < n; i++) {
      re[i] = srcA[atA + i] * w[i];
      im[i] = srcB ? srcB[atB + i] * w[i] : 0;
    }
    fft(this.plan, re, im, outRe, outIm);
    const bins = (n >> 1) + 1;
    for (let k = 0; k < bins; k++) {
      const nk = k === 0 ? 0 : n - k;
      const zr = outRe[k];
      const zi = outIm[k];
      const cr = outRe[nk];
      const ci = -outIm[nk];
      const ar = (zr + cr) / 2; // A[k] = (Z[k] + conj Z[n-k]) / 2
      const ai = (zi + ci) / 2;
      const br = (zi - ci) / 2; // B[k] = (Z[k] - conj Z[n-k]) / 2i
      const bi = (cr - zr) / 2;
      powA[k] = ar * ar + ai * ai;
      powB[k] = br * br + bi * bi;
    }
    this.mel(powA, this.melA);
    if (srcB) this.mel(powB, this.melB);
  }

  private mel(power: Float64Array, out: Float64Array): void {
    const filters = this.filters;
    for (let m = 0; m < filters.length; m++) {
      const { start, weights } = filters[m];
      let sum = 0;
      for (let i = 0; i < weights.length; i++) sum += weights[i] * power[start + i];
      out[m] = Math.log10(sum > LOG_MEL_FLOOR ? sum : LOG_MEL_FLOOR);
    }
  }
}
