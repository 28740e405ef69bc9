// A decoded sound → the model's examples: mono, at the model's rate, cut into windows of one
// example each (the whole clip when it fits; else windows every half example, the last one
// zero-padded), each window's input tensor made on demand.
import { mixDown } from './mixDown';
import { resample } from './resample';
import { WhisperFeatures } from './whisperFeatures';
import { inputValues } from './inputValues';
import type { AudioInputConfig } from './audioConfig';
import type { DecodedAudio } from './decodedAudio';

export interface AudioExamples {
  /** mono samples at cfg.sampleRate */
  samples: Float32Array;
  /** window starts, in samples */
  starts: number[];
  /** dims of one example: [nMels, frames] or [nSamples] */
  dims: number[];
  /** the example at starts[i]: float32 of dims */
  example(start: number): Float32Array;
  /** log-mel models: the extractor, whose frames the clip's whole spectrogram shares with the windows */
  features?: WhisperFeatures;
}

/** Window starts: 0, then every half example (a multiple of hop_length) until one reaches the end. */
export function windowStarts(length: number, nSamples: number, hop: number): number[] {
  const step = Math.max(hop, Math.round(nSamples / 2 / hop) * hop);
  const starts = [0];
  while (starts[starts.length - 1] + nSamples < length) starts.push(starts[starts.length - 1] + step);
  return starts;
}

/**
 * `threads`: onnxruntime's intra-op threads for a log-mel model's frames (0: it decides);
 * `between`: runs between their batches (a cancellation checkpoint).
 */
export async function audioExamples(decoded: DecodedAudio, cfg: AudioInputConfig, threads = 0, between?: () => Promise<void>): Promise<AudioExamples> {
  const samples = resample(mixDown(decoded.channels), decoded.sampleRate, cfg.sampleRate);
  if (cfg.kind === 'waveform') {
    return {
      samples,
      starts: windowStarts(samples.length, cfg.nSamples, 1),
      dims: [cfg.nSamples],
      example: (start) => {
        const seg = samples.subarray(start, start + cfg.nSamples);
        if (!cfg.normalize) {
          const out = new Float32Array(cfg.nSamples);
          out.set(seg);
          return out;
        }
        return inputValues(seg, cfg.nSamples);
      },
    };
  }
  const features = new WhisperFeatures({ sampleRate: cfg.sampleRate, nFft: cfg.nFft, hop: cfg.hop, nMels: cfg.nMels, nSamples: cfg.nSamples }, samples);
  await features.precompute(threads, between);
  return {
    samples,
    starts: windowStarts(samples.length, cfg.nSamples, cfg.hop),
    dims: [cfg.nMels, features.frames],
    example: (start) => features.example(start),
    features,
  };
}
