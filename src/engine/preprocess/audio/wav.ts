// WAV (RIFF) decoding, by hand: the format is a chunk list with a 16-40 byte `fmt ` header and
// raw little-endian samples, so a parser is ~100 lines and checks every length itself. The npm
// WAV packages either pull in big dependencies (wavefile) or do not check truncated or lying
// headers, which is where the guards matter.
import { audioError, checkDuration, type DecodedAudio } from './decodedAudio';

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
const CODEC_NAMES: Record<number, string> = { 2: 'MS ADPCM', 6: 'A-law', 7: 'µ-law', 0x11: 'IMA ADPCM', 0x55: 'MP3', 0x50: 'MPEG' };

interface WavFormat {
  codec: number;
  channels: number;
  sampleRate: number;
  bits: number;
}

export function isWav(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WAVE';
}

function ascii(bytes: Uint8Array, at: number, n: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + n));
}

function readFormat(view: DataView, at: number, size: number, name: string): WavFormat {
  if (size < 16) throw audioError(name, `the WAV fmt chunk is ${size} bytes, shorter than the 16 it needs (corrupt file).`);
  let codec = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const bits = view.getUint16(at + 14, true);
  if (codec === WAVE_FORMAT_EXTENSIBLE) {
    if (size < 40) throw audioError(name, 'the WAV extensible fmt chunk is truncated (corrupt file).');
    codec = view.getUint16(at + 24, true); // the sub-format GUID starts with the codec number
  }
  if (channels === 0) throw audioError(name, 'the WAV header says 0 channels (corrupt file).');
  if (sampleRate < 1000 || sampleRate > 768000) throw audioError(name, `a sample rate of ${sampleRate} Hz is outside 1,000-768,000 Hz (corrupt file?).`);
  return { codec, channels, sampleRate, bits };
}

function formatName(f: WavFormat, name: string): string {
  if (f.codec === WAVE_FORMAT_PCM && [8, 16, 24, 32].includes(f.bits)) return `WAV PCM ${f.bits}-bit`;
  if (f.codec === WAVE_FORMAT_IEEE_FLOAT && (f.bits === 32 || f.bits === 64)) return `WAV float ${f.bits}-bit`;
  const codec = CODEC_NAMES[f.codec] ?? `codec 0x${f.codec.toString(16)}`;
  throw audioError(name, `WAV ${codec}, ${f.bits}-bit is not supported (PCM 8/16/24/32-bit and float 32/64-bit are); convert it to PCM WAV or FLAC.`);
}

/** Decodes a whole WAV file; the duration limit is checked from the header before samples are read. */
export function decodeWav(bytes: Uint8Array, name: string): DecodedAudio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: WavFormat | undefined;
  let at = 12;
  while (at + 8 <= bytes.length) {
    const id = ascii(bytes, at, 4);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (body + size > bytes.length) throw audioError(name, 'the WAV fmt chunk runs past the end of the file (truncated).');
      format = readFormat(view, body, size, name);
    } else if (id === 'data') {
      if (!format) throw audioError(name, 'the WAV data chunk comes before its fmt chunk (corrupt file).');
      return readSamples(bytes, view, body, size, format, name);
    }
    at = body + size + (size & 1); // chunks are padded to an even length
  }
  throw audioError(name, format ? 'the WAV file has no data chunk (truncated or corrupt).' : 'the WAV file has no fmt chunk (truncated or corrupt).');
}

function readSamples(bytes: Uint8Array, view: DataView, at: number, size: number, f: WavFormat, name: string): DecodedAudio {
  const label = formatName(f, name);
  const width = f.bits / 8;
  const frameBytes = width * f.channels;
  // streamed WAVs write 0 or 0xFFFFFFFF as the data size; a truncated file has less than it says
  const declared = size === 0 || size === 0xffffffff ? bytes.length - at : size;
  const available = Math.min(declared, bytes.length - at);
  const frames = Math.floor(available / frameBytes);
  checkDuration(name, Math.floor(declared / frameBytes), f.sampleRate);
  if (available < declared && available < frameBytes) throw audioError(name, 'the WAV data chunk is empty: the file is truncated.');
  const channels = Array.from({ length: f.channels }, () => new Float32Array(frames));
  const read = sampleReader(view, f);
  for (let i = 0, p = at; i < frames; i++) {
    for (let c = 0; c < f.channels; c++, p += width) channels[c][i] = read(p);
  }
  const note = available < declared ? ' (truncated: read what was there)' : '';
  return { sampleRate: f.sampleRate, channels, format: `${label}${note}` };
}

/** One sample at a byte offset as float in [-1, 1): PCM over 2^(bits-1), as soundfile / librosa read it. */
function sampleReader(view: DataView, f: WavFormat): (p: number) => number {
  if (f.codec === WAVE_FORMAT_IEEE_FLOAT) return f.bits === 32 ? (p) => view.getFloat32(p, true) : (p) => view.getFloat64(p, true);
  switch (f.bits) {
    case 8:
      return (p) => (view.getUint8(p) - 128) / 128; // 8-bit WAV is unsigned
    case 16:
      return (p) => view.getInt16(p, true) / 32768;
    case 24:
      return (p) => ((view.getUint8(p) | (view.getUint8(p + 1) << 8) | (view.getInt8(p + 2) << 16)) / 8388608);
    default:
      return (p) => view.getInt32(p, true) / 2147483648;
  }
}
