// The vision runner and the vision/* engine methods on the bundled glyph ViT, against PyTorch
// (models/tensorloupe-glyph-vit/reference.json) and numpy (test/fixtures/references/rollout.json):
// sample PNG → decode → preprocess → onnxruntime equals PyTorch's top-10 within 1e-4; the CLS →
// patch maps are PyTorch's attention rows; the rollout is numpy's; the last layer's CLS lens is
// the model's own prediction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngineHandlers } from '../../src/engine/engineHandlers';
import { PNG } from 'pngjs';
import type { RpcError } from '../../src/protocol/rpc';

const ROOT = join(__dirname, '..', '..');
const MODEL = join(ROOT, 'models', 'tensorloupe-glyph-vit');
const ref = JSON.parse(readFileSync(join(MODEL, 'reference.json'), 'utf8')) as {
  inputs: { source: string; top10: { ids: number[]; probs: number[] }[] }[];
  activations: Record<string, { shape: number[]; data: number[] }>;
};
const rolloutRef = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/references/rollout.json'), 'utf8')) as { cases: { fusion: 'mean' | 'max' | 'min'; discard_ratio: number; cls_map: number[] }[] };
const sample = (i: number): string => join(MODEL, 'samples', /samples\/(\S+\.png)/.exec(ref.inputs[i].source)?.[1] ?? '');
const cache = mkdtempSync(join(tmpdir(), 'tl-vision-'));
const engine = createEngineHandlers({ provider: 'cpu', threads: 1, cacheDir: cache });
const signal = { cancelled: false, onCancel: () => undefined };

test('classify each sample PNG: PyTorch top-10 ids and probabilities within 1e-4', async () => {
  for (let i = 0; i < ref.inputs.length; i++) {
    const r = await engine['vision/classify']({ model: MODEL, file: sample(i), topK: 10 }, signal);
    assert.equal(r.model, 'tensorloupe-glyph-vit');
    assert.deepEqual(r.input, { width: 32, height: 32 });
    assert.deepEqual(r.top.map((t) => t.id), ref.inputs[i].top10[0].ids);
    r.top.forEach((t, k) => assert.ok(Math.abs(t.prob - ref.inputs[i].top10[0].probs[k]) <= 1e-4, `${sample(i)} prob ${k}`));
    assert.equal(r.top[0].label, /glyph '(.)'/.exec(ref.inputs[i].source)?.[1], 'id2label');
  }
});

test('inspect: CLS→patch maps are PyTorch attention, rollout is numpy rollout, last lens layer is the prediction', async () => {
  const mean0 = rolloutRef.cases.find((c) => c.fusion === 'mean' && c.discard_ratio === 0);
  assert.ok(mean0);
  const r = await engine['vision/inspect']({ model: MODEL, file: sample(0), topK: 5, fusion: 'mean', discardRatio: 0 }, signal);
  assert.deepEqual(r.grid, { rows: 8, cols: 8, prefix: 1 });
  assert.equal(r.nLayers, 4);
  assert.equal(r.nHeads, 4);
  assert.deepEqual([r.view.width, r.view.height, r.view.rgb.length], [32, 32, 32 * 32 * 3]);
  for (let l = 0; l < 4; l++) {
    const want = ref.activations[`blocks.${l}.attn.hook_pattern`].data; // [1, 4, 65, 65]
    for (let h = 0; h < 4; h++) for (let j = 0; j < 64; j++) {
      const got = r.clsMaps[(l * 4 + h) * 64 + j];
      assert.ok(Math.abs(got - want[h * 65 * 65 + 1 + j]) <= 1e-4, `layer ${l} head ${h} patch ${j}`);
    }
  }
  r.rollout.forEach((v, j) => assert.ok(Math.abs(v - mean0.cls_map[j]) <= 1e-4, `rollout patch ${j}: ${v} vs ${mean0.cls_map[j]}`));
  assert.equal(r.lens.length, 4);
  const last = r.lens[3].top;
  r.top.forEach((t, k) => {
    assert.equal(last[k].id, t.id);
    assert.ok(Math.abs(last[k].prob - t.prob) <= 1e-4, 'lens at the last layer = logits');
  });
  for (const c of rolloutRef.cases) {
    const again = await engine['vision/rollout']({ runId: r.runId, fusion: c.fusion, discardRatio: c.discard_ratio }, signal);
    again.rollout.forEach((v, j) => assert.ok(Math.abs(v - c.cls_map[j]) <= 1e-4, `${c.fusion} ${c.discard_ratio} patch ${j}`));
  }
  const patch = await engine['vision/patch']({ runId: r.runId, layer: 2, head: 1, token: 10 }, signal);
  const want = ref.activations['blocks.2.attn.hook_pattern'].data;
  patch.attention.forEach((v, j) => assert.ok(Math.abs(v - want[1 * 65 * 65 + 10 * 65 + 1 + j]) <= 1e-4));
});

test('pixels decoded elsewhere (the panel decodes WebP and GIF) give the same prediction as the file; wrong sizes are refused', async () => {
  const file = sample(1);
  const png = PNG.sync.read(readFileSync(file)); // RGBA rows, as the webview's decoder hands them over
  const fromFile = await engine['vision/classify']({ model: MODEL, file, topK: 5 }, signal);
  const fromPixels = await engine['vision/classify']({ model: MODEL, file: 'decoded.webp', pixels: { width: png.width, height: png.height, rgba: new Uint8Array(png.data) }, topK: 5 }, signal);
  assert.deepEqual(fromPixels, fromFile);
  await assert.rejects(async () => engine['vision/classify']({ model: MODEL, file: 'x.gif', pixels: { width: 4, height: 4, rgba: new Uint8Array(10) }, topK: 1 }, signal), /pixels\.rgba must be 4 × 4 × 4 bytes/);
});

test('bad images: one line naming the file (truncated, bomb header, not an image), a text model refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-badimg-'));
  const png = readFileSync(sample(0));
  writeFileSync(join(dir, 'cut.png'), png.subarray(0, 60));
  const bomb = Buffer.from(png.subarray(0, 33));
  bomb.writeUInt32BE(20000, 16);
  bomb.writeUInt32BE(20000, 20);
  writeFileSync(join(dir, 'bomb.png'), bomb);
  writeFileSync(join(dir, 'notes.png'), 'hello, not an image');
  for (const [file, pattern] of [['cut.png', /cut\.png is truncated or corrupt/], ['bomb.png', /bomb\.png is 20000 × 20000.*refused before decoding/], ['notes.png', /notes\.png is not an image/]] as const) {
    await assert.rejects(async () => engine['vision/classify']({ model: MODEL, file: join(dir, file), topK: 3 }, signal), (e: RpcError) => {
      assert.equal(e.code, 'ImageError');
      assert.match(e.message, pattern);
      assert.ok(!e.message.includes('\n'));
      return true;
    });
  }
  await assert.rejects(async () => engine['vision/classify']({ model: join(ROOT, 'models', 'tensorloupe-code-lm'), file: sample(0), topK: 3 }, signal), /is not a vision model/);
});

test('a DeiT distilled export (models/train/fixtures/deit_distilled.py): crop, 2 prefix tokens, lens refused', async () => {
  const dir = join(ROOT, 'test', 'fixtures', 'models', 'deit-distilled');
  const deit = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as { image: string; probs: number[]; patterns: Record<string, { shape: number[]; data: number[] }> };
  const r = await engine['vision/inspect']({ model: dir, file: join(ROOT, deit.image), topK: 5, fusion: 'max', discardRatio: 0.5 }, signal);
  assert.deepEqual(r.input, { width: 37, height: 23 });
  assert.deepEqual([r.view.width, r.view.height], [24, 24], 'resized to 28 × 28, then the centre 24 × 24');
  assert.deepEqual(r.grid, { rows: 6, cols: 6, prefix: 2 });
  for (const t of r.top) assert.ok(Math.abs(t.prob - deit.probs[t.id]) <= 1e-4, `class ${t.label}`);
  assert.equal(r.top[0].id, deit.probs.indexOf(Math.max(...deit.probs)));
  for (let l = 0; l < 2; l++) {
    const want = deit.patterns[`blocks.${l}.attn.hook_pattern`].data; // [1, 2, 38, 38]
    for (let h = 0; h < 2; h++) for (let j = 0; j < 36; j++) assert.ok(Math.abs(r.clsMaps[(l * 2 + h) * 36 + j] - want[h * 38 * 38 + 2 + j]) <= 1e-4);
  }
  assert.equal(r.lens.length, 0);
  assert.match(r.lensUnavailable ?? '', /do not reproduce the model's logits from the CLS token/);
});
