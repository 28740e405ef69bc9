// host⇄engine: the audio methods (Inspect Audio's panel, `tensorloupe classify-audio`,
// `tensorloupe activations --audio`). Field names of AudioClassifyResult are the CLI's --json
// contract: {"model", "input", "top", "windows"?}.

export interface ClassScore {
  /** class id in config.json's id2label */
  id: number;
  label: string;
  prob: number;
  logit: number;
}

export interface AudioInput {
  /** the file's base name */
  file: string;
  /** "WAV PCM 16-bit", "FLAC 24-bit", "MP3", with a note when damaged or truncated */
  format: string;
  /** the file's own rate, channel count and length in seconds */
  sampleRate: number;
  channels: number;
  duration: number;
  /** the rate the model reads (the clip is mixed to mono and resampled to it) */
  modelSampleRate: number;
  /** seconds of audio per model input (one window) */
  windowSeconds: number;
}

/** One model input's worth of the clip: [start, end) seconds and its classes, best first. */
export interface AudioWindow {
  start: number;
  end: number;
  top: ClassScore[];
}

export interface AudioClassifyParams {
  model: string;
  /** absolute path of the audio file */
  path: string;
  /** classes per list (default 5) */
  topK?: number;
}

export interface AudioClassifyResult {
  model: string;
  input: AudioInput;
  /** a clip of one window: its classes; a longer clip: the mean over windows of prob and logit */
  top: ClassScore[];
  /** only for clips longer than one window */
  windows?: AudioWindow[];
}

export interface AudioInspectParams extends AudioClassifyParams {
  /** columns of the waveform peaks and the spectrogram sent to the panel (default 1200) */
  columns?: number;
}

export interface AudioInspectResult extends AudioClassifyResult {
  runId: string;
  /** every window, also for a one-window clip (the panel's strip) */
  strip: AudioWindow[];
  /** min and max per column of the mono signal: [columns, 2] */
  peaks: Float32Array;
  /** the whole clip's log-mel as WhisperFeatureExtractor would compute it, time pooled to at most `columns`: [nMels, frames] */
  spectrogram: { data: Float32Array; nMels: number; frames: number; secondsPerFrame: number };
  /** mono samples at playbackRate for the panel's player (at most 10 minutes; longer clips play their start) */
  playback: Float32Array;
  playbackRate: number;
  /** what instrumentation found: attention needs blocks.*.attn.hook_pattern */
  layers: number;
  heads: number;
  unavailable: { name: string; reason: string }[];
}

export interface AudioAttentionParams {
  runId: string;
  window: number;
  fusion?: 'mean' | 'max' | 'min';
  discardRatio?: number;
}

export interface AudioAttentionResult {
  window: number;
  start: number;
  end: number;
  /** blocks.{L}.attn.hook_pattern of this window: [layers, heads, positions, positions] */
  patterns: Float32Array;
  layers: number;
  heads: number;
  positions: number;
  /** attention rollout over time (Abnar & Zuidema 2020) with the given fusion and discard ratio: [positions, positions] */
  rollout: Float32Array;
  /** seconds of audio per encoder position */
  secondsPerPosition: number;
}

export interface AudioActivationsParams {
  model: string;
  path: string;
  /** hook names or globs; empty = every hook */
  names: string[];
  out: string;
}

export interface AudioActivationsResult {
  out: string;
  /** [window, ...] per hook, every window of the clip as the batch */
  tensors: { name: string; shape: number[] }[];
  windows: number;
  bytes: number;
}

export type AudioApi = {
  'audio/classify': [AudioClassifyParams, AudioClassifyResult];
  'audio/inspect': [AudioInspectParams, AudioInspectResult];
  'audio/attention': [AudioAttentionParams, AudioAttentionResult];
  'audio/activations': [AudioActivationsParams, AudioActivationsResult];
};
