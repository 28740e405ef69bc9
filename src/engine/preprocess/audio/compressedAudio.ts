// FLAC, MP3 and Ogg Vorbis through eshaz's wasm-audio-decoders (MIT, WebAssembly builds of
// libFLAC, mpg123 and libvorbis inlined in JS: no native code, no files to ship, they run in Node
// and in the bundle as they are). Decoded in 1 MiB chunks so a long file stops at the duration
// limit instead of filling memory.
import { audioError, checkDuration, MAX_AUDIO_SECONDS, type DecodedAudio } from './decodedAudio';

export type CompressedCodec = 'flac' | 'mp3' | 'ogg';

interface DecodedChunk {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
  errors: { message: string }[];
}
interface StreamDecoder {
  ready: Promise<void>;
  decode(data: Uint8Array): DecodedChunk | Promise<DecodedChunk>;
  flush?(): DecodedChunk | Promise<DecodedChunk>;
  free(): void;
}

const CHUNK = 1 << 20;
const NAMES: Record<CompressedCodec, string> = { flac: 'FLAC', mp3: 'MP3', ogg: 'Ogg Vorbis' };

export function sniffCompressed(bytes: Uint8Array): CompressedCodec | undefined {
  const tag = String.fromCharCode(...bytes.subarray(0, 4));
  if (tag === 'fLaC') return 'flac';
  if (tag === 'OggS') return 'ogg';
  if (tag.startsWith('ID3') || (bytes.length > 1 && bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0)) return 'mp3';
  return undefined;
}

async function decoderFor(codec: CompressedCodec): Promise<StreamDecoder> {
  if (codec === 'flac') return new (await import('@wasm-audio-decoders/flac')).FLACDecoder() as StreamDecoder;
  if (codec === 'ogg') return new (await import('@wasm-audio-decoders/ogg-vorbis')).OggVorbisDecoder() as StreamDecoder;
  return new (await import('mpg123-decoder')).MPEGDecoder() as StreamDecoder;
}

/** FLAC's STREAMINFO says the total length: refuse a too-long file before decoding anything. */
function checkFlacHeader(bytes: Uint8Array, name: string): { bits: number } | undefined {
  if (bytes.length < 26 || (bytes[4] & 0x7f) !== 0) throw audioError(name, 'the FLAC file has no STREAMINFO block (truncated or corrupt).');
  const rate = (bytes[18] << 12) | (bytes[19] << 4) | (bytes[20] >> 4);
  const bits = (((bytes[20] & 1) << 4) | (bytes[21] >> 4)) + 1;
  const total = (bytes[21] & 0xf) * 2 ** 32 + ((bytes[22] << 24) >>> 0) + (bytes[23] << 16) + (bytes[24] << 8) + bytes[25];
  if (rate === 0) throw audioError(name, 'the FLAC STREAMINFO says a sample rate of 0 Hz (corrupt file).');
  if (total > 0) checkDuration(name, total, rate); // 0 = unknown length
  return { bits };
}

export async function decodeCompressed(bytes: Uint8Array, codec: CompressedCodec, name: string): Promise<DecodedAudio> {
  const flac = codec === 'flac' ? checkFlacHeader(bytes, name) : undefined;
  const decoder = await decoderFor(codec);
  await decoder.ready;
  const parts: Float32Array[][] = [];
  let frames = 0;
  let sampleRate = 0;
  let errors = 0;
  const take = (r: DecodedChunk) => {
    errors += r.errors.length;
    if (r.samplesDecoded === 0) return;
    if (sampleRate && r.sampleRate !== sampleRate) throw audioError(name, `the ${NAMES[codec]} stream changes sample rate mid-file (${sampleRate} → ${r.sampleRate} Hz), which is not supported.`);
    if (parts.length && r.channelData.length !== parts[0].length) throw audioError(name, `the ${NAMES[codec]} stream changes its channel count mid-file, which is not supported.`);
    sampleRate = r.sampleRate;
    parts.push(r.channelData.map((c) => c.slice(0, r.samplesDecoded))); // the decoder reuses its buffers
    frames += r.samplesDecoded;
    if (frames / sampleRate > MAX_AUDIO_SECONDS) checkDuration(name, frames, sampleRate);
  };
  try {
    for (let at = 0; at < bytes.length; at += CHUNK) take(await decoder.decode(bytes.subarray(at, at + CHUNK)));
    if (decoder.flush) take(await decoder.flush());
  } finally {
    decoder.free();
  }
  if (frames === 0) {
    throw audioError(name, errors ? `could not be decoded as ${NAMES[codec]} (corrupt or truncated file).` : `the ${NAMES[codec]} file holds no audio samples (zero length).`);
  }
  const channels = parts[0].map((_, c) => {
    const out = new Float32Array(frames);
    let o = 0;
    for (const p of parts) {
      out.set(p[c], o);
      o += p[c].length;
    }
    return out;
  });
  const note = errors ? ` (${errors} damaged frame${errors === 1 ? '' : 's'} skipped)` : '';
  return { sampleRate, channels, format: `${NAMES[codec]}${flac ? ` ${flac.bits}-bit` : ''}${note}` };
}
