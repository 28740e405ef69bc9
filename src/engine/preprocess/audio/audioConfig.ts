// What a model's preprocessor_config.json says about its audio input, read as transformers.js
// chooses a feature extractor: WhisperFeatureExtractor → log-mel input_features; Wav2Vec2-style
// (or a graph that reads input_values) → normalised raw samples.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelLoadError } from '../../errors';

export interface AudioInputConfig {
  kind: 'log-mel' | 'waveform';
  sampleRate: number;
  /** samples per example (chunk_length · sampling_rate for Whisper) */
  nSamples: number;
  nFft: number;
  hop: number;
  nMels: number;
  /** Wav2Vec2FeatureExtractor do_normalize */
  normalize: boolean;
}

function num(o: Record<string, unknown>, key: string, fallback: number): number {
  const v = o[key];
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback;
}

export function readAudioConfig(dir: string, name: string, graphInput: string): AudioInputConfig {
  const path = join(dir, 'preprocessor_config.json');
  let pre: Record<string, unknown> = {};
  if (existsSync(path)) {
    try {
      pre = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new ModelLoadError(`${name}: preprocessor_config.json is not valid JSON (${(error as Error).message}).`);
    }
  }
  const sampleRate = num(pre, 'sampling_rate', 16000);
  const extractor = typeof pre.feature_extractor_type === 'string' ? pre.feature_extractor_type : '';
  const waveform = graphInput === 'input_values' || /Wav2Vec2/i.test(extractor);
  const chunkSeconds = num(pre, 'chunk_length', waveform ? 1 : 30);
  const cfg: AudioInputConfig = {
    kind: waveform ? 'waveform' : 'log-mel',
    sampleRate,
    nSamples: Math.round(num(pre, 'n_samples', chunkSeconds * sampleRate)),
    nFft: num(pre, 'n_fft', 400),
    hop: num(pre, 'hop_length', 160),
    nMels: num(pre, 'feature_size', 80),
    normalize: pre.do_normalize !== false,
  };
  if (cfg.kind === 'log-mel' && (cfg.nSamples % cfg.hop !== 0 || cfg.nFft > cfg.nSamples || cfg.nMels > cfg.nFft)) {
    throw new ModelLoadError(`${name}: preprocessor_config.json's n_samples ${cfg.nSamples}, hop_length ${cfg.hop}, n_fft ${cfg.nFft}, feature_size ${cfg.nMels} do not fit together.`);
  }
  if (cfg.nSamples > 60 * sampleRate) throw new ModelLoadError(`${name}: an example of ${cfg.nSamples} samples is longer than a minute; not supported.`);
  return cfg;
}
