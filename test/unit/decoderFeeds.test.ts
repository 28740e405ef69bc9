// The one feed builder of every decoder run (runners/decoderFeeds.ts) and the genai_config.json
// reader (models/genaiConfig.ts): each input in its own graph dtype, the KV cache in the layouts
// exporters write, use_cache_branch, and genai folders' names and refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decoderFeeds, pastSlotsOf, type FeedInput } from '../../src/engine/runners/decoderFeeds';
import { readGenaiConfig } from '../../src/engine/models/genaiConfig';
import { halfToFloat } from '../../src/util/float16';

test('every input gets its own dtype: int32 ids, int64 mask and positions, float16 mask, bool use_cache_branch', () => {
  const inputs: FeedInput[] = [
    { name: 'input_ids', type: 'int32', dims: ['batch', 'seq'] },
    { name: 'attention_mask', type: 'int64', dims: ['batch', 'total'] },
    { name: 'position_ids', type: 'float16', dims: ['batch', 'seq'] },
    { name: 'token_type_ids', type: 'float32', dims: ['batch', 'seq'] },
    { name: 'use_cache_branch', type: 'bool', dims: [1] },
  ];
  const f = decoderFeeds(inputs, [], [5, 6, 7], 4);
  assert.equal(f.input_ids.type, 'int32');
  assert.deepEqual([...(f.input_ids.data as Int32Array)], [5, 6, 7]);
  assert.equal(f.attention_mask.type, 'int64');
  assert.deepEqual(f.attention_mask.dims, [1, 7]); // past + new
  assert.equal(f.position_ids.type, 'float16');
  assert.deepEqual([...(f.position_ids.data as Uint16Array)].map(halfToFloat), [4, 5, 6]);
  assert.equal(f.token_type_ids.type, 'float32');
  assert.deepEqual([...(f.use_cache_branch.data as Uint8Array)], [1]);
  assert.deepEqual([...(decoderFeeds(inputs, [], [5], 0).use_cache_branch.data as Uint8Array)], [0], 'no past: the no-cache branch');
});

test('KV-cache slots: split (Optimum, genai templates) and packed past_{i} [2, batch, heads, past, head_dim] are fed empty with batch 1', () => {
  const inputs: FeedInput[] = [
    { name: 'input_ids', type: 'int64', dims: ['batch_size', 'seq_len'] },
    { name: 'past_0', type: 'float32', dims: [2, 'batch_size', 12, 'past_seq_len', 64] },
    { name: 'past_key_values.0.key', type: 'float16', dims: ['batch_size', 1, 'past_sequence_length', 128] },
    { name: 'past_key_values.0.value', type: 'float16', dims: ['batch_size', 1, 'past_sequence_length', 128] },
    { name: 'cache.3.k', type: 'float32', dims: ['batch', 'kv', 'p', 'd'] },
  ];
  const slots = pastSlotsOf(inputs, undefined, { kvHeads: 8, headDim: 32 });
  assert.deepEqual(slots.map((s) => [s.input, s.present, s.layout, s.emptyDims, s.type]), [
    ['past_0', 'present_0', 'packed', [2, 1, 12, 0, 64], 'float32'],
    ['past_key_values.0.key', 'present.0.key', 'split', [1, 1, 0, 128], 'float16'],
    ['past_key_values.0.value', 'present.0.value', 'split', [1, 1, 0, 128], 'float16'],
  ]);
  const f = decoderFeeds(inputs, slots, [1, 2]);
  assert.deepEqual(f.past_0.dims, [2, 1, 12, 0, 64]);
  assert.deepEqual(f['cache.3.k'].dims, [1, 0, 0, 0], 'a cache in no known layout: batch 1, the rest empty');
  const named = pastSlotsOf([{ name: 'kv.2.k', type: 'float32', dims: ['b', 4, 'p', 16] }], { pastKey: 'kv.%d.k', pastValue: 'kv.%d.v', presentKey: 'out.%d.k', presentValue: 'out.%d.v' });
  assert.deepEqual(named.map((s) => s.present), ['out.2.k']);
  assert.throws(() => pastSlotsOf([{ name: 'past_key_values.0.key', type: 'float32', dims: ['b', 'h', 'p', 'd'] }], undefined, {}, 'm'), /m: cannot tell the shape of past_key_values\.0\.key/);
});

function genaiFolder(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'tl-genai-'));
  writeFileSync(join(dir, 'genai_config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return dir;
}

test('genai_config.json: decoder file, cache templates, heads, context and vocabulary read; bad files refused in one line', () => {
  const decoder = { filename: 'model.onnx', head_size: 16, hidden_size: 32, num_attention_heads: 4, num_key_value_heads: 1, num_hidden_layers: 2,
    inputs: { input_ids: 'input_ids', past_key_names: 'past.%d.k', past_value_names: 'past.%d.v' }, outputs: { present_key_names: 'present.%d.k', present_value_names: 'present.%d.v' } };
  const dir = genaiFolder({ model: { type: 'qwen2', context_length: 128, vocab_size: 300, decoder } });
  const g = readGenaiConfig(dir);
  assert.equal(g.onnxPath, join(dir, 'model.onnx'));
  assert.deepEqual(g.config, { model_type: 'qwen2', vocab_size: 300, max_position_embeddings: 128, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 1, hidden_size: 32, head_dim: 16 });
  assert.deepEqual(g.cacheNames, { pastKey: 'past.%d.k', pastValue: 'past.%d.v', presentKey: 'present.%d.k', presentValue: 'present.%d.v' });
  for (const [config, message] of [
    ['{"model": ', /genai_config\.json is not valid JSON/],
    [{ search: {} }, /genai_config\.json has no model\.decoder section/],
    [{ model: { decoder: { ...decoder, filename: '../../etc/passwd.onnx' } } }, /filename must be an \.onnx file in the same folder/],
    [{ model: { decoder: { ...decoder, inputs: { input_ids: 'tokens' } } } }, /input_ids is named "tokens"/],
    [{ model: { context_length: -5, decoder } }, /genai_config\.json/],
  ] as const) {
    assert.throws(() => readGenaiConfig(genaiFolder(config)), (e: Error) => message.test(e.message) && !e.message.includes('\n'));
  }
});
