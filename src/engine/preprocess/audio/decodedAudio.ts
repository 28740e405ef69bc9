import { InputError } from '../../errors';
import { escapeControl } from '../../../util/escape';

/** A decoded sound: one Float32Array of samples in [-1, 1] per channel, all of one length. */
export interface DecodedAudio {
  sampleRate: number;
  channels: Float32Array[];
  /** what the file was, in words: "WAV PCM 16-bit", "FLAC 24-bit", "MP3" */
  format: string;
}

/**
 * The longest sound the engine decodes (an hour). A 10-hour 48 kHz stereo WAV would need
 * 7 GiB as float32; the limit is checked from the header, before any sample is read.
 */
export const MAX_AUDIO_SECONDS = 3600;
/** Compressed files carry no trustworthy duration in their first bytes: their size is bounded instead. */
export const MAX_COMPRESSED_BYTES = 256 << 20;

/** One-line error about an audio file, its name escaped. */
export function audioError(name: string, what: string): InputError {
  return new InputError(`${escapeControl(name)}: ${what}`);
}

export function checkDuration(name: string, frames: number, sampleRate: number): void {
  const seconds = frames / sampleRate;
  if (frames === 0) throw audioError(name, 'the file holds no audio samples (zero length).');
  if (seconds > MAX_AUDIO_SECONDS) {
    throw audioError(name, `${(seconds / 3600).toFixed(1)} hours of audio is above the limit of ${MAX_AUDIO_SECONDS / 3600} hour; cut the clip first.`);
  }
}
