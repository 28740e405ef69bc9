// The bundled vision and audio models run in onnxruntime-node exactly as PyTorch ran them:
// every reference input's top-10 ids equal and probabilities within 1e-4 (models/*/reference.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';

interface RefInput {
  input_name: string;
  shape: number[];
  data: number[];
  sha256: string;
  source: string;
  top10: { ids: number[]; probs: number[] }[];
}
interface Ref {
  model: string;
  kind: string;
  inputs: RefInput[];
  activations: Record<string, unknown>;
  reference_audio?: { file: string; sha256: string };
}

const ROOT = join(__dirname, '..', '..');
const MODELS = [
  { name: 'tensorloupe-glyph-vit', input: 'pixel_values', classes: 36, kind: 'image-classification' },
  { name: 'tensorloupe-speech-kws', input: 'input_features', classes: 20, kind: 'audio-classification' },
];

/** Softmax in float64 and the k most probable ids, best first. */
function topK(logits: Float32Array, k: number): { ids: number[]; probs: number[] } {
  const max = logits.reduce((a, b) => Math.max(a, b), -Infinity);
  const e = Array.from(logits, (v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  const ids = e.map((_, i) => i).sort((a, b) => e[b] - e[a]).slice(0, k);
  return { ids, probs: ids.map((i) => e[i] / sum) };
}

const sha256 = (data: number[]): string =>
  createHash('sha256').update(Buffer.from(Float32Array.from(data).buffer)).digest('hex');

for (const m of MODELS) {
  const dir = join(ROOT, 'models', m.name);
  const ref = (): Ref => JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as Ref;

  test(`${m.name}: reference inputs are intact (shape, sha256)`, () => {
    const r = ref();
    assert.equal(r.model, m.name);
    assert.equal(r.kind, m.kind);
    assert.ok(r.inputs.length >= 2 && r.inputs.length <= 3, 'two or three reference inputs');
    for (const input of r.inputs) {
      assert.equal(input.input_name, m.input);
      assert.equal(input.data.length, input.shape.reduce((a, b) => a * b, 1));
      assert.equal(sha256(input.data), input.sha256, `sha256 of ${input.source}`);
    }
  });

  test(`${m.name}: onnxruntime-node matches PyTorch's top-10 within 1e-4`, async () => {
    const r = ref();
    const session = await ort.InferenceSession.create(join(dir, 'onnx', 'model.onnx'));
    assert.deepEqual(session.inputNames, [m.input]);
    assert.deepEqual(session.outputNames, ['logits']);
    for (const input of r.inputs) {
      const feeds = { [m.input]: new ort.Tensor('float32', Float32Array.from(input.data), input.shape) };
      const logits = (await session.run(feeds)).logits; // [1, classes]
      assert.deepEqual(logits.dims, [1, m.classes]);
      const got = topK(logits.data as Float32Array, 10);
      const want = input.top10[0];
      assert.deepEqual(got.ids, want.ids, `top-10 ids for ${input.source}`);
      got.probs.forEach((p, i) =>
        assert.ok(Math.abs(p - want.probs[i]) <= 1e-4, `prob ${i}: ${p} vs ${want.probs[i]} (${input.source})`));
    }
    // dynamic batch: all inputs at once give the same answers
    const n = r.inputs.length;
    const batch = new Float32Array(r.inputs.flatMap((i) => i.data));
    const out = await session.run({ [m.input]: new ort.Tensor('float32', batch, [n, ...r.inputs[0].shape.slice(1)]) });
    assert.deepEqual(out.logits.dims, [n, m.classes]);
    for (let b = 0; b < n; b++) {
      const row = (out.logits.data as Float32Array).subarray(b * m.classes, (b + 1) * m.classes);
      assert.deepEqual(topK(row, 1).ids, r.inputs[b].top10[0].ids.slice(0, 1));
    }
    await session.release();
  });

  test(`${m.name}: reference activations cover every layer with consistent shapes`, () => {
    const r = ref();
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, number>;
    const layers = cfg.num_hidden_layers ?? cfg.encoder_layers;
    const heads = cfg.num_attention_heads ?? cfg.encoder_attention_heads;
    const d = cfg.hidden_size ?? cfg.d_model;
    const acts = r.activations as Record<string, { shape: number[]; data: number[] }>;
    const pos = acts.hook_embed.shape[1];
    assert.equal(pos, m.kind === 'image-classification' ? 65 : 50);
    const names = ['hook_embed', 'ln_final.hook_normalized'];
    for (let l = 0; l < layers; l++) names.push(...['resid_pre', 'resid_mid', 'resid_post'].map((h) => `blocks.${l}.hook_${h}`));
    for (const n of names) {
      assert.deepEqual(acts[n]?.shape, [1, pos, d], n);
      assert.equal(acts[n].data.length, pos * d, n);
    }
    assert.deepEqual(acts.hook_embed.data, acts['blocks.0.hook_resid_pre'].data);
    for (let l = 0; l < layers; l++) {
      const p = acts[`blocks.${l}.attn.hook_pattern`]; // [1, head, q, k]
      assert.deepEqual(p.shape, [1, heads, pos, pos]);
      for (let row = 0; row < heads * pos; row++) {
        const sum = p.data.slice(row * pos, (row + 1) * pos).reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(sum - 1) < 1e-5, `layer ${l} row ${row} sums to ${sum}`);
      }
    }
  });

  test(`${m.name}: held-out accuracy in metrics.json is at least 90%`, () => {
    const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as Record<string, number>;
    assert.ok(metrics.heldout_accuracy >= 0.9, `heldout_accuracy ${metrics.heldout_accuracy}`);
    assert.ok(metrics.n_test > 0 && metrics.n_train > 0 && metrics.train_seconds > 0);
  });
}

test('tensorloupe-speech-kws: reference_input0.wav is the file inputs[0] was computed from', () => {
  const dir = join(ROOT, 'models', 'tensorloupe-speech-kws');
  const r = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as Ref;
  assert.ok(r.reference_audio, 'reference.json names its audio file');
  const wavPath = join(dir, r.reference_audio.file);
  assert.ok(existsSync(wavPath));
  const wav = readFileSync(wavPath);
  assert.equal(createHash('sha256').update(wav).digest('hex'), r.reference_audio.sha256);
  assert.equal(wav.toString('ascii', 0, 4), 'RIFF');
  assert.equal(wav.readUInt16LE(22), 1, 'mono');
  assert.equal(wav.readUInt32LE(24), 16000, '16 kHz');
  assert.equal(wav.readUInt16LE(34), 16, 'PCM16');
  assert.deepEqual(r.inputs[0].shape, [1, 80, 100]);
});
