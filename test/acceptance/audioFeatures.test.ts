// Audio preprocessing against numpy: WAV PCM 8/16/24/32-bit and float32 and FLAC at 8-48 kHz,
// mono and stereo, decoded, mixed down, resampled to 16 kHz and turned into log-mel features
// within 1e-4 of WhisperFeatureExtractor's numpy implementation (test/fixtures/audio/make_clips.py
// with models/train/whisper_features.py), every window of a long clip included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeAudioFile } from '../../src/engine/preprocess/audio/decodeAudio';
import { audioExamples } from '../../src/engine/preprocess/audio/audioExamples';
import { readAudioConfig } from '../../src/engine/preprocess/audio/audioConfig';
import { KAISER_BEST } from '../../src/engine/preprocess/audio/resample';

const DIR = join(__dirname, '..', 'fixtures', 'audio');
const MODEL = join(__dirname, '..', '..', 'models', 'tensorloupe-speech-kws');
interface ClipRef {
  sampleRate: number;
  channels: number;
  frames: number;
  resampledLength: number;
  windows: { start: number; features: string }[];
}
const ref = JSON.parse(readFileSync(join(DIR, 'reference.json'), 'utf8')) as { resampler: typeof KAISER_BEST; clips: Record<string, ClipRef> };
const cfg = readAudioConfig(MODEL, 'tensorloupe-speech-kws', 'input_features');

test('the resampler is the one the reference used', () => {
  assert.deepEqual(ref.resampler, KAISER_BEST);
  assert.deepEqual([cfg.kind, cfg.sampleRate, cfg.nSamples, cfg.nFft, cfg.hop, cfg.nMels], ['log-mel', 16000, 16000, 400, 160, 80]);
});

for (const [name, want] of Object.entries(ref.clips)) {
  test(`${name}: log-mel features within 1e-4 of numpy WhisperFeatureExtractor`, async () => {
    const decoded = await decodeAudioFile(join(DIR, name));
    assert.equal(decoded.sampleRate, want.sampleRate);
    assert.equal(decoded.channels.length, want.channels);
    assert.equal(decoded.channels[0].length, want.frames);
    const ex = await audioExamples(decoded, cfg, 1);
    assert.equal(ex.samples.length, want.resampledLength);
    assert.deepEqual(ex.dims, [80, 100]);
    assert.deepEqual(ex.starts, want.windows.map((w) => w.start));
    for (const w of want.windows) {
      const expected = new Float32Array(Buffer.from(w.features, 'base64').buffer.slice(0));
      const got = ex.example(w.start);
      assert.equal(got.length, expected.length);
      let worst = 0;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]));
      assert.ok(worst <= 1e-4, `window at ${w.start}: max |diff| ${worst.toExponential(2)}`);
    }
  });
}
