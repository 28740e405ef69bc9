// One entry for every audio file: size and name checks, the container sniffed from its first
// bytes (not its extension), then WAV by hand or FLAC / MP3 / Ogg Vorbis through the wasm decoders.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { decodeWav, isWav } from './wav';
import { decodeCompressed, sniffCompressed } from './compressedAudio';
import { audioError, MAX_AUDIO_SECONDS, MAX_COMPRESSED_BYTES, type DecodedAudio } from './decodedAudio';

/** An hour of 8-channel 96 kHz 32-bit PCM is 11 GiB; the header check refuses long files, this bounds the read. */
const MAX_WAV_BYTES = 2 * 1024 ** 3 - 1;

export async function decodeAudioBytes(bytes: Uint8Array, name: string): Promise<DecodedAudio> {
  if (bytes.length === 0) throw audioError(name, 'the file is empty (zero length).');
  if (isWav(bytes)) return decodeWav(bytes, name);
  const codec = sniffCompressed(bytes);
  if (codec) return decodeCompressed(bytes, codec, name);
  const tag = String.fromCharCode(...bytes.subarray(0, 4)).replace(/[^\x20-\x7e]/g, '?');
  throw audioError(name, `not a WAV, FLAC, MP3 or Ogg Vorbis file (it starts with "${tag}"); convert it to WAV or FLAC.`);
}

/** Reads and decodes a file; a WAV too long to decode is refused after reading only its header. */
export async function decodeAudioFile(path: string): Promise<DecodedAudio> {
  const name = basename(path);
  const info = await stat(path).catch(() => {
    throw audioError(name, `cannot read ${path}.`);
  });
  if (!info.isFile()) throw audioError(name, 'is not a file.');
  if (info.size > MAX_COMPRESSED_BYTES) {
    // only a WAV may be this big, and its header alone decides: read 64 KiB and let the parser refuse it
    const { open } = await import('node:fs/promises');
    const handle = await open(path, 'r');
    try {
      const head = new Uint8Array(65536);
      await handle.read(head, 0, head.length, 0);
      if (!isWav(head)) throw audioError(name, `${(info.size / 2 ** 20).toFixed(0)} MiB is above the ${MAX_COMPRESSED_BYTES / 2 ** 20} MiB limit for compressed audio.`);
      decodeWavHeaderOnly(head, name);
      if (info.size > MAX_WAV_BYTES) throw audioError(name, `${(info.size / 2 ** 30).toFixed(1)} GiB is above the 2 GiB limit for WAV files.`);
    } finally {
      await handle.close();
    }
  }
  return decodeAudioBytes(new Uint8Array(await readFile(path)), name);
}

/** Runs the WAV parser on the first bytes only: the data chunk's declared size trips the duration limit. */
function decodeWavHeaderOnly(head: Uint8Array, name: string): void {
  try {
    decodeWav(head, name);
  } catch (error) {
    if (error instanceof Error && error.message.includes('limit')) throw error;
  }
}

export { MAX_AUDIO_SECONDS };
