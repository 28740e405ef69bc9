// models/variants.ts: transformers.js's variant file names, the setting's contract in package.json,
// and the picker's answers on folders laid out as the Hub publishes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VARIANTS, pickVariant, variantFileName, variantsPresent } from '../../src/engine/models/variants';
import { variantSetting } from '../../src/host/settingRules';
import { ROOT } from '../helpers/paths';

function folder(files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'tl-variants-'));
  for (const f of files) {
    mkdirSync(join(dir, f, '..'), { recursive: true });
    writeFileSync(join(dir, f), '\u0008');
  }
  return dir;
}

test('package.json declares tensorloupe.variant with exactly these names, fp32 by default', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { enum: string[]; default: string; enumDescriptions: string[] }> } } };
  const s = pkg.contributes.configuration.properties['tensorloupe.variant'];
  assert.deepEqual(s.enum, [...VARIANTS]);
  assert.equal(s.default, 'fp32');
  assert.equal(s.enumDescriptions.length, VARIANTS.length);
  for (const [i, v] of VARIANTS.entries()) assert.ok(s.enumDescriptions[i].includes(variantFileName(v)), `${v}: ${s.enumDescriptions[i]}`);
  assert.equal(variantSetting('q4'), 'q4');
  assert.equal(variantSetting('int4'), 'fp32');
  assert.equal(variantSetting(3), 'fp32');
});

test('transformers.js file names', () => {
  assert.deepEqual(VARIANTS.map((v) => variantFileName(v)), ['model.onnx', 'model_fp16.onnx', 'model_quantized.onnx', 'model_int8.onnx', 'model_uint8.onnx', 'model_q4.onnx', 'model_q4f16.onnx', 'model_bnb4.onnx']);
  assert.equal(variantFileName('fp16', 'decoder_model_merged'), 'decoder_model_merged_fp16.onnx');
});

test('the picker: onnx/ first, decoder_model_merged variants, a miss lists what is there', () => {
  const hub = folder(['onnx/model.onnx', 'onnx/model_quantized.onnx', 'onnx/model_q4.onnx', 'model.onnx']);
  assert.equal(pickVariant(hub, 'm', 'fp32'), join(hub, 'onnx', 'model.onnx'));
  assert.equal(pickVariant(hub, 'm', 'q8'), join(hub, 'onnx', 'model_quantized.onnx'));
  assert.throws(() => pickVariant(hub, 'm', 'fp16'), { message: 'm has no fp16 variant (model_fp16.onnx); it has fp32 (onnx/model.onnx), q8 (onnx/model_quantized.onnx), q4 (onnx/model_q4.onnx). Choose one with tensorloupe.variant or --variant.' });
  const merged = folder(['onnx/decoder_model_merged.onnx', 'onnx/decoder_model_merged_fp16.onnx']);
  assert.equal(pickVariant(merged, 'm', 'fp16'), join(merged, 'onnx', 'decoder_model_merged_fp16.onnx'));
  assert.deepEqual(variantsPresent(merged).map((v) => v.file), ['onnx/decoder_model_merged.onnx', 'onnx/decoder_model_merged_fp16.onnx']);
  const onlyQuantized = folder(['onnx/model_quantized.onnx']);
  assert.throws(() => pickVariant(onlyQuantized, 'm', 'fp32'), { message: /^m has no fp32 variant \(model\.onnx\); it has q8 \(onnx\/model_quantized\.onnx\)\./ });
  assert.equal(pickVariant(folder(['onnx/encoder.onnx']), 'm', 'fp32'), undefined, 'a bare export keeps its own file');
  const lfs = folder([]);
  mkdirSync(join(lfs, 'onnx'));
  symlinkSync(join(lfs, 'blobs', 'missing'), join(lfs, 'onnx', 'model_int8.onnx'));
  assert.equal(pickVariant(lfs, 'm', 'int8'), join(lfs, 'onnx', 'model_int8.onnx'), 'a dangling link is returned, for checkOnnxFile to name');
});
