// activations/export's .safetensors metadata names the model by its file's sha256 (what sha256sum
// prints, what the Hub's LFS oid is) and lists the maps recomputed from a fused attention op.
// Checked on the fused-Attention GPT-2 fixture moved to external data (model.onnx + model.onnx_data:
// the instrumentation cache key covers names and data files and is no file's sha256) and on a
// Softmax decoder, whose maps are read, not recomputed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import { createEngineHandlers } from '../../src/engine/engineHandlers';
import { decodeSafetensors } from '../../src/engine/features/export/safetensors';
import { ROOT } from '../helpers/paths';

const never = { cancelled: false, onCancel: () => undefined };
const FIXTURES = join(ROOT, 'test', 'fixtures', 'models');
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const engine = createEngineHandlers({ provider: 'cpu', threads: 1, cacheDir: mkdtempSync(join(tmpdir(), 'tl-export-meta-')) });

/** ort-gpt2 with every initializer over 1 KB in model.onnx_data, as torch.onnx.export(..., external_data=True) writes */
function withExternalData(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tl-extdata-'));
  const model = onnx.ModelProto.decode(readFileSync(join(FIXTURES, 'ort-gpt2', 'gpt2.onnx')));
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const t of model.graph?.initializer ?? []) {
    if (!t.rawData || t.rawData.length < 1024) continue;
    const raw = Buffer.from(t.rawData);
    t.externalData = [{ key: 'location', value: 'model.onnx_data' }, { key: 'offset', value: String(offset) }, { key: 'length', value: String(raw.length) }];
    t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    delete (t as { rawData?: Uint8Array }).rawData;
    chunks.push(raw);
    offset += raw.length;
  }
  writeFileSync(join(dir, 'model.onnx'), onnx.ModelProto.encode(model).finish());
  writeFileSync(join(dir, 'model.onnx_data'), Buffer.concat(chunks));
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(FIXTURES, 'ort-gpt2', f), join(dir, f));
  return dir;
}

async function exported(model: string, onnxFile: string): Promise<Record<string, string>> {
  const out = join(mkdtempSync(join(tmpdir(), 'tl-export-out-')), 'acts.safetensors');
  await engine['activations/export']({ model, text: 'def area(w, h):', maxTokens: 64, names: [], out }, never);
  const { metadata } = decodeSafetensors(readFileSync(out));
  assert.equal(metadata.model_sha256, sha256(onnxFile), 'model_sha256 is the .onnx file\'s sha256');
  return metadata;
}

test('a fused-Attention model with external data: model_sha256 is its .onnx file\'s sha256, every map is marked recomputed', async () => {
  const dir = withExternalData();
  const metadata = await exported(dir, join(dir, 'model.onnx'));
  assert.deepEqual(JSON.parse(metadata.recomputed), ['blocks.0.attn.hook_pattern', 'blocks.1.attn.hook_pattern']);
});

test('a Softmax decoder: model_sha256 is the file\'s sha256 and no map is marked recomputed', async () => {
  const metadata = await exported(join(FIXTURES, 'optimum-split'), join(FIXTURES, 'optimum-split', 'onnx', 'decoder_model.onnx'));
  assert.deepEqual(JSON.parse(metadata.recomputed), []);
});

test('an export over an older one replaces it whole and leaves nothing beside it', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'tl-export-again-'));
  const out = join(folder, 'acts.safetensors');
  const model = join(FIXTURES, 'optimum-split');
  await engine['activations/export']({ model, text: 'def area(w, h):\n    return w * h', maxTokens: 64, names: [], out }, never);
  const first = decodeSafetensors(readFileSync(out)).metadata;
  await engine['activations/export']({ model, text: 'x = 1', maxTokens: 64, names: [], out }, never);
  const second = decodeSafetensors(readFileSync(out)).metadata;
  assert.notEqual(second.input_ids, first.input_ids);
  assert.equal(second.text_sha256, createHash('sha256').update('x = 1').digest('hex'));
  assert.deepEqual(readdirSync(folder), ['acts.safetensors'], 'no temporary or set-aside file is left');
});
