// Vision and audio models chosen as the text model: the engine refuses them in one line that says
// what kind of model each is and what it reads, instead of "has no tokenizer.json".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createEngineHandlers } from '../../src/engine/engineHandlers';
import { CODE_LM, ROOT } from '../helpers/paths';

const never = { cancelled: false, onCancel: () => undefined };
const engine = createEngineHandlers({ provider: 'cpu', threads: 1 });

async function loadError(model: string): Promise<{ code: string; message: string }> {
  try {
    await engine['model/load']({ model }, never);
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error(`${model} loaded as a text model`);
}

test('the bundled image classifier is refused as a text model, named as one', async () => {
  const e = await loadError(join(ROOT, 'models', 'tensorloupe-glyph-vit'));
  assert.equal(e.code, 'ModelLoadError');
  assert.match(e.message, /^tensorloupe-glyph-vit is an image classifier \(ViTForImageClassification, [^)]*36 labels\): it reads images as pixel_values, not text/);
  assert.match(e.message, /for images use Tensorloupe: Inspect Image or tensorloupe classify-image/);
  assert.doesNotMatch(e.message, /tokenizer\.json \(looked in/, 'not the generic missing-tokenizer message');
  assert.doesNotMatch(e.message, /\n/);
});

test('the bundled keyword-spotting model is refused as a text model, named as an audio classifier', async () => {
  const e = await loadError(join(ROOT, 'models', 'tensorloupe-speech-kws'));
  assert.equal(e.code, 'ModelLoadError');
  assert.match(e.message, /^tensorloupe-speech-kws is an audio classifier \(TensorloupeKwsForAudioClassification, WhisperFeatureExtractor, \d+ labels\): it reads sound as input_features, not text/);
  assert.doesNotMatch(e.message, /\n/);
});

test('a text model still loads', async () => {
  const info = await engine['model/load']({ model: CODE_LM }, never);
  assert.equal(info.name, 'tensorloupe-code-lm');
});
