// Slaney-scale mel filters with Slaney area normalisation, as librosa.filters.mel(htk=False,
// norm='slaney') and transformers' mel_filter_bank(mel_scale="slaney", norm="slaney") build them
// for WhisperFeatureExtractor; the same algorithm as models/train/whisper_features.py.

const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = 15;
const LOG_STEP = Math.log(6.4) / 27;

export function hzToMel(f: number): number {
  return f >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(f / MIN_LOG_HZ) / LOG_STEP : f / (200 / 3);
}

export function melToHz(m: number): number {
  return m >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOG_STEP * (m - MIN_LOG_MEL)) : m * (200 / 3);
}

/** One triangular filter: its weights over FFT bins [start, start + weights.length). */
export interface MelFilter {
  start: number;
  weights: Float64Array;
}

/** n_mels filters over the n_fft / 2 + 1 bins of an n_fft-point spectrum at sampleRate; only non-zero spans are kept. */
export function melFilters(sampleRate: number, nFft: number, nMels: number): MelFilter[] {
  const bins = Math.floor(nFft / 2) + 1;
  const fftFreqs = Array.from({ length: bins }, (_, i) => (i * (sampleRate / 2)) / (bins - 1)); // np.linspace(0, sr/2, bins)
  const top = hzToMel(sampleRate / 2);
  const edges = Array.from({ length: nMels + 2 }, (_, i) => melToHz((i * top) / (nMels + 1)));
  const filters: MelFilter[] = [];
  for (let m = 0; m < nMels; m++) {
    const [lo, c, hi] = [edges[m], edges[m + 1], edges[m + 2]];
    const norm = 2 / (hi - lo);
    const all = fftFreqs.map((f) => Math.max(0, Math.min((f - lo) / (c - lo), (hi - f) / (hi - c))) * norm);
    let start = all.findIndex((w) => w > 0);
    if (start < 0) start = 0;
    let end = all.length;
    while (end > start && all[end - 1] === 0) end--;
    filters.push({ start, weights: Float64Array.from(all.slice(start, end)) });
  }
  return filters;
}
