// nonTextKind on folders that hold only config.json / preprocessor_config.json: the kinds users
// meet on the Hub, and text models that must not be mistaken for them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nonTextKind } from '../../src/engine/models/modelKind';
import type { ModelConfig } from '../../src/engine/modelFolder';

function folder(config: ModelConfig & { architectures?: string[] }, preprocessor?: unknown): { dir: string; config: ModelConfig } {
  const dir = mkdtempSync(join(tmpdir(), 'tl-kind-'));
  if (preprocessor !== undefined) writeFileSync(join(dir, 'preprocessor_config.json'), typeof preprocessor === 'string' ? preprocessor : JSON.stringify(preprocessor));
  return { dir, config };
}

test('text models are not taken for vision or audio ones', () => {
  assert.equal(nonTextKind(folder({ architectures: ['GPT2LMHeadModel'], model_type: 'gpt2' })), undefined);
  assert.equal(nonTextKind(folder({ architectures: ['LlamaForCausalLM'] })), undefined);
  assert.equal(nonTextKind(folder({ architectures: ['BertForSequenceClassification'], id2label: { 0: 'a', 1: 'b' } })), undefined);
  assert.equal(nonTextKind(folder({})), undefined, 'a folder that says nothing');
  assert.equal(nonTextKind(folder({ architectures: ['GPT2LMHeadModel'] }, '{ broken')), undefined, 'a broken preprocessor_config.json is only a missing hint');
});

test('image and audio models by architecture or by preprocessor', () => {
  assert.deepEqual(nonTextKind(folder({ architectures: ['ViTForImageClassification'], id2label: { 0: 'cat', 1: 'dog' } })), {
    modality: 'image', description: 'an image classifier', input: 'pixel_values', evidence: 'ViTForImageClassification, 2 labels',
  });
  assert.equal(nonTextKind(folder({ model_type: 'dinov2' }, { image_processor_type: 'BitImageProcessor', image_mean: [0.5] }))?.description, 'a vision model');
  const whisper = nonTextKind(folder({ architectures: ['WhisperForAudioClassification'] }, { feature_extractor_type: 'WhisperFeatureExtractor', sampling_rate: 16000 }));
  assert.equal(whisper?.description, 'an audio classifier');
  assert.equal(whisper?.input, 'input_features');
  assert.equal(nonTextKind(folder({ architectures: ['Wav2Vec2ForCTC'] }))?.input, 'input_values');
});
