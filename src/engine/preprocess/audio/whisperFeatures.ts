// Log-mel features exactly as Hugging Face's WhisperFeatureExtractor computes them: the audio
// (mono, at the model's rate) padded with zeros or cut to n_samples, a centred STFT with reflect
// padding (periodic Hann window of n_fft, hop hop_length), power spectrum, the last frame dropped,
// Slaney mel filters, log10(max(x, 1e-10)), max(x, max − 8) per example, (x + 4) / 4.
// Reference: models/train/whisper_features.py (numpy), checked by test/acceptance/audioFeatures.test.ts.
//
// Long clips are cut into windows whose starts are multiples of hop_length, so a window's inner
// frames are the clip's own frames: their mel energies are computed once, all of them in batches
// through onnxruntime (precompute, logMelGraph.ts), and shared by the overlapping windows; only
// frames that touch a window's edge (reflect or zero padding) are computed for that window alone,
// in float64 JavaScript, reading the padding in place. The result is the extractor's
// per window (log values kept as float32, well inside the 1e-4 the tests hold it to).
import { fft, fftPlan, type FftPlan } from './fft';
import { melFilters } from './melFilters';
import { hannWindow, LOG_MEL_FLOOR, logMelOfFrames } from './logMelGraph';

export interface WhisperFeatureConfig {
  sampleRate: number;
  nFft: number;
  hop: number;
  nMels: number;
  /** samples per example (chunk_length · sampling_rate); frames = nSamples / hop */
  nSamples: number;
}

/** frames per onnxruntime call of precompute: 4,096 × 400 float32 in, 6.5 MB */
const PRECOMPUTE_BATCH = 4096;

/** frames per tile of the final transposition: 64 × 80 mels of float32 = 20 KB, inside L1 */
const TILE = 64;

export class WhisperFeatures {
  readonly frames: number;
  private readonly plan: FftPlan;
  private readonly window: Float64Array;
  /** the mel filters end to end: filter m's weights are melWeight[melStart[m], melEnd[m]), over FFT bins melBin[…] */
  private readonly melStart: Int32Array;
  private readonly melEnd: Int32Array;
  private readonly melBin: Int32Array;
  private readonly melWeight: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly outRe: Float64Array;
  private readonly outIm: Float64Array;
  private readonly powA: Float64Array;
  private readonly powB: Float64Array;
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
    this.window = Float64Array.from({ length: cfg.nFft }, (_, i) => hannWindow(cfg.nFft, i));
    const filters = melFilters(cfg.sampleRate, cfg.nFft, cfg.nMels);
    let end = 0;
    this.melEnd = Int32Array.from(filters, (f) => (end += f.weights.length));
    this.melStart = Int32Array.from(filters, (f, m) => this.melEnd[m] - f.weights.length);
    this.melBin = Int32Array.from(filters.flatMap((f) => Array.from(f.weights, (_, i) => f.start + i)));
    this.melWeight = Float64Array.from(filters.flatMap((f) => Array.from(f.weights)));
    [this.re, this.im, this.outRe, this.outIm] = [0, 0, 0, 0].map(() => new Float64Array(cfg.nFft));
    this.powA = new Float64Array((cfg.nFft >> 1) + 1);
    this.powB = new Float64Array((cfg.nFft >> 1) + 1);
    const clipFrames = Math.floor(audio.length / cfg.hop) + 1;
    this.shared = new Float32Array(clipFrames * cfg.nMels);
    this.have = new Uint8Array(clipFrames);
  }

  /**
   * Every frame whose n_fft window lies inside the clip, through onnxruntime in batches
   * (logMelGraph.ts), into `shared`: the windows then compute only the frames at their own
   * edges, which read their padding. `between` runs between batches (a cancellation checkpoint).
   */
  async precompute(threads: number, between?: () => Promise<void>): Promise<void> {
    const { nFft, hop, nMels } = this.cfg;
    const half = nFft >> 1;
    const first = Math.ceil(half / hop);
    const last = Math.floor((this.audio.length - half) / hop); // inclusive
    for (let f0 = first; f0 <= last; f0 += PRECOMPUTE_BATCH) {
      const f1 = Math.min(last + 1, f0 + PRECOMPUTE_BATCH);
      // the frames as they are (the graph's DFT matrix carries the window): one native copy each
      const frames = new Float32Array((f1 - f0) * nFft);
      for (let f = f0; f < f1; f++) frames.set(this.audio.subarray(f * hop - half, f * hop + half), (f - f0) * nFft);
      this.shared.set(await logMelOfFrames(frames, f1 - f0, this.cfg, threads), f0 * nMels);
      this.have.fill(1, f0, f1);
      await between?.();
    }
  }

  /**
   * input_features of the example starting at sample `start`: float32 [nMels, frames]. `nSamples`
   * (a multiple of hop) other than the model's gives a longer example, e.g. the whole clip's
   * spectrogram, sharing the clip's frames with the windows.
   */
  example(start: number, nSamples = this.cfg.nSamples): Float32Array {
    const { hop, nMels } = this.cfg;
    const frames = Math.floor(nSamples / hop);
    const end = Math.min(start + nSamples, this.audio.length);
    // log10 mel energies frame by frame ([frames, nMels]: contiguous copies from `shared`)
    const logMel = new Float32Array(frames * nMels);
    let pending = -1; // a frame waiting for a partner to share one complex FFT
    for (let j = 0; j < frames; j++) {
      const c = start + j * hop; // centre, in clip samples
      const f = c / hop; // a whole number when start is a multiple of hop (windowStarts' are)
      if (c % hop === 0 && this.isInside(c, start, end) && this.have[f]) {
        logMel.set(this.shared.subarray(f * nMels, (f + 1) * nMels), j * nMels);
        continue;
      }
      if (pending < 0) {
        pending = j;
        continue;
      }
      this.computePair(logMel, start, end, nSamples, pending, j);
      pending = -1;
    }
    if (pending >= 0) this.computePair(logMel, start, end, nSamples, pending, -1);
    let max = -Infinity;
    for (let i = 0; i < logMel.length; i++) if (logMel[i] > max) max = logMel[i];
    const out = new Float32Array(logMel.length);
    const floor = max - 8;
    // [frames, nMels] → [nMels, frames] in tiles of TILE frames, so the reads stay in one cache-sized
    // block and the writes run along rows (a write every 12 KB missed the cache: 2 ms of 30-s features)
    for (let j0 = 0; j0 < frames; j0 += TILE) {
      const j1 = Math.min(frames, j0 + TILE);
      for (let m = 0; m < nMels; m++) {
        const row = m * frames;
        for (let j = j0; j < j1; j++) {
          const v = logMel[j * nMels + m];
          out[row + j] = ((v > floor ? v : floor) + 4) / 4;
        }
      }
    }
    return out;
  }

  /** whether the frame centred at clip sample c reads only the example's own samples (no padding) */
  private isInside(c: number, start: number, end: number): boolean {
    const half = this.cfg.nFft >> 1;
    return c - half >= start && c + half <= end;
  }

  /** Frames jA and jB (−1: none) of the example through one FFT, into logMel and, where they are the clip's own, `shared`. */
  private computePair(logMel: Float32Array, start: number, end: number, nSamples: number, jA: number, jB: number): void {
    const { hop, nMels } = this.cfg;
    this.load(this.re, start + jA * hop, start, end, nSamples);
    if (jB >= 0) this.load(this.im, start + jB * hop, start, end, nSamples);
    else this.im.fill(0);
    this.powerPair();
    for (let t = 0; t < 2; t++) {
      const j = t === 0 ? jA : jB;
      if (j < 0) continue;
      // straight into logMel, then (float32 to float32: a memcpy) into `shared`
      this.mel(t === 0 ? this.powA : this.powB, logMel, j * nMels);
      const c = start + j * hop;
      if (c % hop === 0 && this.isInside(c, start, end)) {
        this.shared.set(logMel.subarray(j * nMels, (j + 1) * nMels), (c / hop) * nMels);
        this.have[c / hop] = 1;
      }
    }
  }

  /**
   * The windowed frame centred at clip sample c into dst: the clip's samples where the frame lies
   * inside the example, else numpy's padding (the example zero-padded to nSamples, then reflected
   * by nFft/2 at both ends) read in place.
   */
  private load(dst: Float64Array, c: number, start: number, end: number, nSamples: number): void {
    const n = this.cfg.nFft;
    const half = n >> 1;
    const w = this.window;
    const x = this.audio;
    if (this.isInside(c, start, end)) {
      const at = c - half;
      for (let i = 0; i < n; i++) dst[i] = x[at + i] * w[i];
      return;
    }
    for (let i = 0; i < n; i++) {
      let e = c - half + i - start; // example coordinate
      if (e < 0) e = -e;
      else if (e >= nSamples) e = 2 * (nSamples - 1) - e;
      const k = start + e;
      dst[i] = (k < end ? x[k] : 0) * w[i];
    }
  }

  /** The two real frames loaded in re / im through one complex FFT (a + ib), split by conjugate symmetry, into powA / powB. */
  private powerPair(): void {
    const n = this.cfg.nFft;
    const { re, im, outRe, outIm, powA, powB } = this;
    fft(this.plan, re, im, outRe, outIm);
    const bins = (n >> 1) + 1;
    for (let k = 0; k < bins; k++) {
      const nk = k === 0 ? 0 : n - k;
      const zr = outRe[k];
      const zi = outIm[k];
      const cr = outRe[nk];
      const ci = -outIm[nk];
      // A[k] = (Z[k] + conj Z[n-k]) / 2, B[k] = (Z[k] - conj Z[n-k]) / 2i: |A|², |B|² with the halves squared out
      const ar = zr + cr;
      const ai = zi + ci;
      const br = zi - ci;
      const bi = cr - zr;
      powA[k] = (ar * ar + ai * ai) * 0.25;
      powB[k] = (br * br + bi * bi) * 0.25;
    }
  }

  /**
   * log10 mel energies of one power spectrum into out[at, at + nMels), from the filters laid end
   * to end in one array. log10 as ln · log10(e): a third faster than Math.log10 (240,000 a 30-s
   * example), and within an ulp of it, far inside what float32 keeps.
   */
  private mel(power: Float64Array, out: Float32Array, at: number): void {
    const { melStart, melEnd, melBin, melWeight } = this;
    for (let m = 0; m < melStart.length; m++) {
      let sum = 0;
      for (let i = melStart[m]; i < melEnd[m]; i++) sum += melWeight[i] * power[melBin[i]];
      out[at + m] = Math.log(sum > LOG_MEL_FLOOR ? sum : LOG_MEL_FLOOR) * Math.LOG10E;
    }
  }

}
