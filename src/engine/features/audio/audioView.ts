// What the audio panel draws besides predictions, made small on the engine's side: waveform
// peaks per column, the clip's log-mel pooled in time, and the samples for the player.
import { WhisperFeatures } from '../../preprocess/audio/whisperFeatures';
import type { AudioInputConfig } from '../../preprocess/audio/audioConfig';

/** mono [samples] → min and max per column: [columns, 2] */
export function waveformPeaks(samples: Float32Array, columns: number): Float32Array {
  const out = new Float32Array(columns * 2);
  for (let c = 0; c < columns; c++) {
    const a = Math.floor((c * samples.length) / columns);
    const b = Math.max(a + 1, Math.floor(((c + 1) * samples.length) / columns));
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = a; i < b && i < samples.length; i++) {
      lo = Math.min(lo, samples[i]);
      hi = Math.max(hi, samples[i]);
    }
    out[2 * c] = Number.isFinite(lo) ? lo : 0;
    out[2 * c + 1] = Number.isFinite(hi) ? hi : 0;
  }
  return out;
}

/** The whole clip's log-mel (one Whisper example as long as the clip), max-pooled to at most `columns` frames: [nMels, frames] */
export function clipSpectrogram(samples: Float32Array, cfg: AudioInputConfig, columns: number, shared?: WhisperFeatures): { data: Float32Array; nMels: number; frames: number; secondsPerFrame: number } {
  const nSamples = Math.max(cfg.nFft, Math.ceil(samples.length / cfg.hop) * cfg.hop);
  const f = shared ?? new WhisperFeatures({ sampleRate: cfg.sampleRate, nFft: cfg.nFft, hop: cfg.hop, nMels: cfg.nMels, nSamples }, samples);
  const all = Math.floor(nSamples / cfg.hop);
  const full = f.example(0, all * cfg.hop); // [nMels, all]
  const pool = Math.max(1, Math.ceil(all / columns));
  const frames = Math.ceil(all / pool);
  const data = new Float32Array(cfg.nMels * frames);
  for (let m = 0; m < cfg.nMels; m++) {
    for (let t = 0; t < frames; t++) {
      let v = -Infinity;
      for (let k = t * pool; k < Math.min(all, (t + 1) * pool); k++) v = Math.max(v, full[m * all + k]);
      data[m * frames + t] = v;
    }
  }
  return { data, nMels: cfg.nMels, frames, secondsPerFrame: (pool * cfg.hop) / cfg.sampleRate };
}
