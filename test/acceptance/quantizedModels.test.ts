// Quantised and external-data layouts (test/fixtures/models/gpt-quantized, gpt-qdq-extdata, built
// by models/train/fixtures/quantized.py in the op patterns of Optimum's fp16 export, onnxruntime's
// quantize_dynamic (MatMulInteger + DynamicQuantizeLinear, int8 and uint8 weights),
// quantize_static QDQ, matmul_4bits_quantizer (MatMulNBits) and matmul_bnb4_quantizer (MatMulBnb4)): each file, chosen by the variant
// setting, gives the top-10 next-token distribution at every position and the instrumented
// activations of float64 PyTorch running the same dequantised maths, within 1e-4.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngineHandlers } from '../../src/engine/engineHandlers';
import { instrumentModel } from '../../src/engine/instrument/instrumentModel';
import { createInstrumentedSession, fetchActivations } from '../../src/engine/instrument/fetchActivations';
import { textFeeds } from '../../src/engine/instrument/textFeeds';
import { findVariant, type Variant } from '../../src/engine/models/variants';
import { ROOT } from '../helpers/paths';

const TOLERANCE = 1e-4;
const never = { cancelled: false, onCancel: () => undefined };
const FIX = join(ROOT, 'test', 'fixtures', 'models');

interface RefTensor { shape: number[]; data: number[] }
interface VariantRef { top10: { ids: number[]; probs: number[] }[]; activations: Record<string, RefTensor> }
interface Reference { text: string; ids: number[]; variants: Record<string, VariantRef> }

const cases: [string, Variant, string][] = [
  ['gpt-quantized', 'fp32', 'float32'],
  ['gpt-quantized', 'fp16', 'float16 weights, past and logits'],
  ['gpt-quantized', 'int8', 'DynamicQuantizeLinear + MatMulInteger, int8 weights'],
  ['gpt-quantized', 'uint8', 'DynamicQuantizeLinear + MatMulInteger, uint8 weights'],
  ['gpt-quantized', 'q4', 'MatMulNBits 4-bit'],
  ['gpt-quantized', 'q4f16', 'MatMulNBits 4-bit, float16 scales, weights, past and logits'],
  ['gpt-quantized', 'bnb4', 'MatMulBnb4 NF4'],
  ['gpt-qdq-extdata', 'fp32', 'QDQ QuantizeLinear/DequantizeLinear, weights in model.onnx.data'],
];

for (const [name, variant, what] of cases) {
  test(`${name} ${variant} (${what}): next-token top-10 and activations equal PyTorch's dequantised maths within 1e-4`, async () => {
    const dir = join(FIX, name);
    const ref = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as Reference;
    const want = ref.variants[variant];
    const engine = createEngineHandlers({ provider: 'cpu', threads: 1, variant });
    const r = await engine['lm/nextToken']({ model: dir, text: ref.text, topK: 10, maxTokens: 64, positionTopK: 10 }, never);
    assert.deepEqual(r.tokens.map((t) => t.id), ref.ids);
    let worst = 0;
    for (const [i, pos] of r.positions!.entries()) {
      const top = pos.top!;
      for (const [k, c] of top.entries()) {
        // ids compared where the reference's neighbours are not within the tolerance (a near-tie may swap)
        const p = want.top10[i].probs[k];
        if (Math.abs(p - (want.top10[i].probs[k + 1] ?? -1)) > TOLERANCE && Math.abs(p - (want.top10[i].probs[k - 1] ?? -1)) > TOLERANCE) assert.equal(c.id, want.top10[i].ids[k], `position ${i} rank ${k + 1}`);
        worst = Math.max(worst, Math.abs(c.prob - p));
      }
    }
    assert.ok(worst <= TOLERANCE, `next-token probabilities differ by ${worst}`);
    const file = findVariant(dir, variant)!;
    const result = await instrumentModel(file, mkdtempSync(join(tmpdir(), 'tl-q-')));
    const names = Object.keys(want.activations);
    const session = await createInstrumentedSession(result);
    const acts = await fetchActivations(session, result, textFeeds(result.inputs, ref.ids), names);
    const report: string[] = [];
    for (const n of names) {
      const got = acts.get(n);
      assert.ok(got, `${n} missing`);
      assert.deepEqual(got.dims, want.activations[n].shape, `${n} shape`);
      let max = 0;
      want.activations[n].data.forEach((v, i) => (max = Math.max(max, Math.abs(got.data[i] - v))));
      report.push(`${n} ${max.toExponential(1)}`);
      assert.ok(max <= TOLERANCE, `${n}: ${max}`);
    }
    await session.release();
    console.log(`${name} ${variant}: p within ${worst.toExponential(1)}; ${report.join(', ')}`);
  });
}
