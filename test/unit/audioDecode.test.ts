// Bad audio files answer in one line naming the file, before any large allocation: zero length,
// a 10-hour WAV (refused from its header), truncated, corrupt, unsupported codec, not audio.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAudioBytes } from '../../src/engine/preprocess/audio/decodeAudio';
import { RpcError } from '../../src/protocol/rpc';

function wavHeader(opts: { codec?: number; channels?: number; rate?: number; bits?: number; dataBytes: number; body?: number }): Uint8Array {
  const { codec = 1, channels = 1, rate = 16000, bits = 16, dataBytes, body = 0 } = opts;
  const b = Buffer.alloc(44 + body);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + dataBytes, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(codec, 20);
  b.writeUInt16LE(channels, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE((rate * channels * bits) / 8, 28);
  b.writeUInt16LE((channels * bits) / 8, 32);
  b.writeUInt16LE(bits, 34);
  b.write('data', 36);
  b.writeUInt32LE(dataBytes, 40);
  for (let i = 0; i < body; i++) b[44 + i] = (i * 37) & 0xff;
  return new Uint8Array(b);
}

async function refusal(bytes: Uint8Array): Promise<string> {
  const error = await decodeAudioBytes(bytes, 'clip.wav').then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof RpcError, `an RpcError, got ${String(error)}`);
  assert.equal(error.code, 'InputError');
  assert.ok(!error.message.includes('\n'), 'one line');
  assert.match(error.message, /^clip\.wav: /);
  return error.message;
}

test('zero-length file and zero-length data chunk', async () => {
  assert.match(await refusal(new Uint8Array(0)), /empty \(zero length\)/);
  assert.match(await refusal(wavHeader({ dataBytes: 0, body: 0 })), /no audio samples/);
});

test('a 10-hour WAV is refused from its header, before its samples are read', async () => {
  // 10 h of 16 kHz 16-bit mono claims 1.15 GB of data; only the 44-byte header is here
  const message = await refusal(wavHeader({ dataBytes: 10 * 3600 * 16000 * 2, body: 0 }));
  assert.match(message, /10\.0 hours of audio is above the limit of 1 hour/);
});

test('truncated, corrupt, unsupported codec, not audio', async () => {
  assert.match(await refusal(wavHeader({ dataBytes: 32000, body: 1 })), /truncated/);
  assert.match(await refusal(new Uint8Array(Buffer.from('RIFF\x10\x00\x00\x00WAVEfmt \x10\x00\x00\x00'))), /fmt chunk runs past the end|truncated/);
  assert.match(await refusal(wavHeader({ codec: 0x11, bits: 4, dataBytes: 100, body: 100 })), /IMA ADPCM, 4-bit is not supported/);
  assert.match(await refusal(wavHeader({ rate: 12, dataBytes: 100, body: 100 })), /sample rate of 12 Hz/);
  assert.match(await refusal(new Uint8Array(Buffer.from('%PDF-1.4 not audio'))), /not a WAV, FLAC, MP3 or Ogg Vorbis file \(it starts with "%PDF"\)/);
  assert.match(await refusal(new Uint8Array(Buffer.concat([Buffer.from('fLaC'), Buffer.alloc(4)]))), /no STREAMINFO/);
  const flacGarbage = Buffer.alloc(200, 7);
  Buffer.from([0x66, 0x4c, 0x61, 0x43, 0x80, 0, 0, 0x22]).copy(flacGarbage);
  flacGarbage.writeUInt8(0x0a, 18); // a sample rate, and an unknown length (total samples 0)
  flacGarbage.fill(0, 21, 26);
  assert.match(await refusal(new Uint8Array(flacGarbage)), /could not be decoded as FLAC|no audio samples/);
});

test('a truncated WAV decodes what is there and says so', async () => {
  const d = await decodeAudioBytes(wavHeader({ dataBytes: 32000, body: 1000 }), 'clip.wav');
  assert.equal(d.channels[0].length, 500);
  assert.match(d.format, /WAV PCM 16-bit \(truncated/);
});

test('MP3 and Ogg Vorbis decode to their clip (lossy: rate, length and level, not samples)', async () => {
  const { decodeAudioFile } = await import('../../src/engine/preprocess/audio/decodeAudio');
  const { join } = await import('node:path');
  const dir = join(__dirname, '..', 'fixtures', 'audio');
  for (const [file, rate, seconds] of [['tone_16k_mono.mp3', 16000, 0.4], ['tone_22k_mono.ogg', 22050, 0.4]] as const) {
    const d = await decodeAudioFile(join(dir, file));
    assert.equal(d.sampleRate, rate, file);
    assert.match(d.format, /^(MP3|Ogg Vorbis)$/);
    const length = d.channels[0].length / rate;
    assert.ok(Math.abs(length - seconds) < 0.15, `${file}: ${length} s`); // encoders add a frame or two of padding
    const peak = d.channels[0].reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    assert.ok(peak > 0.3 && peak < 1.01, `${file}: peak ${peak}`);
  }
});
