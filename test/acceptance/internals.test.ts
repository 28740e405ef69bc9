/** Acceptance: for every fixture model and every bundled model with a reference.json, instrument the
 * unmodified ONNX file, run it, and compare every reference activation with PyTorch within 1e-4. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tensor } from 'onnxruntime-node';
import { instrumentModel } from '../../src/engine/instrument/instrumentModel.js';
import { createInstrumentedSession, fetchActivations } from '../../src/engine/instrument/fetchActivations.js';
import { textFeeds } from '../../src/engine/instrument/textFeeds.js';

const TOLERANCE = 1e-4;
const FIXTURES = ['llama-gqa', 'llama-gqa-extdata', 'bert-postln', 'bert-postln-opset13', 'bert-postln-opset12', 'gpt-postln', 'fused-attention', 'onnx-attention', 'attn-only'].map((n) => join('test/fixtures/models', n));
const BUNDLED = ['tensorloupe-code-lm', 'tensorloupe-attn2', 'tensorloupe-glyph-vit', 'tensorloupe-speech-kws'].map((n) => join('models', n));

interface RefTensor { shape: number[]; data: number[] }
interface RefInput { ids?: number[]; token_type_ids?: number[]; input_name?: string; shape?: number[]; data?: number[] }
interface Reference { inputs: RefInput[]; activations: Record<string, RefTensor | number> & { activations_input: number } }

/** hash of every file in the model's onnx/ folder (graph + external data) */
const folderHash = (dir: string): string => {
  const h = createHash('sha256');
  for (const f of readdirSync(dir).sort()) h.update(f).update(readFileSync(join(dir, f)));
  return h.digest('hex');
};

function feedsFor(ref: RefInput, result: Awaited<ReturnType<typeof instrumentModel>>): Record<string, Tensor> {
  if (ref.input_name && ref.shape && ref.data) return { [ref.input_name]: new Tensor('float32', Float32Array.from(ref.data), ref.shape) };
  const feeds = textFeeds(result.inputs, ref.ids ?? []);
  if (ref.token_type_ids && feeds.token_type_ids) feeds.token_type_ids = new Tensor('int64', BigInt64Array.from(ref.token_type_ids.map(BigInt)), [1, ref.token_type_ids.length]);
  return feeds;
}

for (const dir of [...FIXTURES, ...BUNDLED]) {
  const modelPath = join(dir, 'onnx', 'model.onnx');
  const refPath = join(dir, 'reference.json');
  const ready = existsSync(modelPath) && existsSync(refPath);
  test(`internals match PyTorch: ${dir}`, { skip: ready ? false : `${dir} has no onnx/model.onnx + reference.json yet` }, async () => {
    const before = folderHash(join(dir, 'onnx'));
    const cache = mkdtempSync(join(tmpdir(), 'tl-instr-'));
    const result = await instrumentModel(modelPath, cache);
    const ref = JSON.parse(readFileSync(refPath, 'utf8')) as Reference;
    const names = Object.keys(ref.activations).filter((k) => k !== 'activations_input');
    const session = await createInstrumentedSession(result);
    const acts = await fetchActivations(session, result, feedsFor(ref.inputs[ref.activations.activations_input], result), names);
    const report: string[] = [];
    for (const name of names) {
      const want = ref.activations[name] as RefTensor;
      const got = acts.get(name);
      assert.ok(got, `${name} missing`);
      assert.deepEqual(got.dims, want.shape, `${name} shape`);
      let max = 0;
      for (let i = 0; i < want.data.length; i++) max = Math.max(max, Math.abs(got.data[i] - want.data[i]));
      report.push(`${name}: ${max.toExponential(2)}${result.hooks.find((h) => h.name === name)?.recomputed ? ' (recomputed)' : ''}`);
      assert.ok(max <= TOLERANCE, `${name}: max abs diff ${max} > ${TOLERANCE}`);
    }
    await session.release();
    assert.equal(folderHash(join(dir, 'onnx')), before, 'the user model files changed');
    console.log(`${dir}: ${names.length} activations within ${TOLERANCE}\n  ${report.join('\n  ')}`);
  });
}
