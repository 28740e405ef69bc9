// Select Model's grouping and each kind's setting: the bundled models and fixtures are judged as
// the engine judges them (config.json, preprocessor_config.json), so a vision model is never saved
// as tensorloupe.model (the text commands') and a text model never as tensorloupe.visionModel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { modalityOf, SETTING_OF } from '../../src/host/modelKindOfFolder';

const ROOT = join(__dirname, '..', '..');

test('bundled and fixture models fall in their kind, folders and .onnx files alike', () => {
  assert.equal(modalityOf(join(ROOT, 'models', 'tensorloupe-code-lm')), 'text');
  assert.equal(modalityOf(join(ROOT, 'models', 'tensorloupe-attn2')), 'text');
  assert.equal(modalityOf(join(ROOT, 'models', 'tensorloupe-glyph-vit')), 'vision');
  assert.equal(modalityOf(join(ROOT, 'models', 'tensorloupe-glyph-vit', 'onnx', 'model.onnx')), 'vision');
  assert.equal(modalityOf(join(ROOT, 'test', 'fixtures', 'models', 'deit-distilled')), 'vision');
  assert.equal(modalityOf(join(ROOT, 'models', 'tensorloupe-speech-kws')), 'audio');
  assert.equal(modalityOf(join(ROOT, 'test', 'fixtures', 'models', 'bert-mlm')), 'text');
  assert.equal(modalityOf(join(ROOT, 'does-not-exist')), 'text', 'an unreadable path is judged as text; loading it says what is wrong');
});

test('each kind has its own setting', () => {
  assert.deepEqual(SETTING_OF, { text: 'model', vision: 'visionModel', audio: 'audioModel' });
});
