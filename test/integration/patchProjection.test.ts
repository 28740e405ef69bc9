// Inspect Image's patch embeddings → projector (vision/patchProjection) on the bundled glyph ViT:
// the points are the 64 patches (CLS left out) labelled by row and column, carrying the panel's
// rollout weight; their PCA is the PCA of PyTorch's blocks.{layer}.hook_resid_post at the patch
// tokens (models/tensorloupe-glyph-vit/reference.json), computed here by power iteration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngineHandlers } from '../../src/engine/engineHandlers';

const MODEL = join(__dirname, '..', '..', 'models', 'tensorloupe-glyph-vit');
const ref = JSON.parse(readFileSync(join(MODEL, 'reference.json'), 'utf8')) as {
  inputs: { source: string }[];
  activations: Record<string, { shape: number[]; data: number[] }> & { activations_input: number };
};
const sample = join(MODEL, 'samples', /samples\/(\S+\.png)/.exec(ref.inputs[ref.activations.activations_input].source)?.[1] ?? '');
const engine = createEngineHandlers({ provider: 'cpu', threads: 1, cacheDir: mkdtempSync(join(tmpdir(), 'tl-patches-')) });
const signal = { cancelled: false, onCancel: () => undefined };

/** first principal axis and its share of the variance, by power iteration on the covariance */
function firstComponent(rows: number[][]): { axis: number[]; share: number } {
  const n = rows.length;
  const d = rows[0].length;
  const mean = Array.from({ length: d }, (_, j) => rows.reduce((a, r) => a + r[j], 0) / n);
  const c = rows.map((r) => r.map((v, j) => v - mean[j]));
  const cov = Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => c.reduce((s, r) => s + r[a] * r[b], 0) / (n - 1)));
  let v = Array.from({ length: d }, (_, j) => 1 + j / d);
  for (let it = 0; it < 2000; it++) {
    const w = cov.map((row) => row.reduce((s, x, j) => s + x * v[j], 0));
    const norm = Math.hypot(...w);
    v = w.map((x) => x / norm);
  }
  const lambda = v.reduce((s, x, a) => s + x * cov[a].reduce((t, y, b) => t + y * v[b], 0), 0);
  const trace = cov.reduce((s, row, a) => s + row[a], 0);
  return { axis: v, share: lambda / trace };
}

test('patch embeddings of an inspected image project as the PCA of PyTorch hidden states, one labelled point a patch', async () => {
  const inspected = await engine['vision/inspect']({ model: MODEL, file: sample, topK: 3, fusion: 'max', discardRatio: 0.5 }, signal);
  const layer = 2;
  const r = await engine['vision/patchProjection']({ runId: inspected.runId, layer, method: 'pca', seed: 0, fusion: 'max', discardRatio: 0.5 }, signal);
  assert.equal(r.source, 'patches');
  assert.equal(r.hook, `blocks.${layer}.hook_resid_post`);
  assert.equal(r.dims, 96);
  assert.equal(r.points.length, 64);
  r.points.forEach((p, i) => {
    assert.deepEqual([p.patch?.row, p.patch?.col, p.text, p.position], [Math.floor(i / 8), i % 8, `r${Math.floor(i / 8)} c${i % 8}`, 1 + i]);
    assert.ok(Math.abs((p.patch?.rollout ?? NaN) - inspected.rollout[i]) <= 1e-7, `patch ${i} carries the panel's rollout weight`);
  });
  const want = ref.activations[`blocks.${layer}.hook_resid_post`].data; // [1, 65, 96]
  const rows = Array.from({ length: 64 }, (_, i) => want.slice((1 + i) * 96, (2 + i) * 96));
  const pc = firstComponent(rows);
  const mean = Array.from({ length: 96 }, (_, j) => rows.reduce((a, row) => a + row[j], 0) / 64);
  const x = rows.map((row) => row.reduce((s, v, j) => s + (v - mean[j]) * pc.axis[j], 0));
  const sign = Math.sign(x.reduce((s, v, i) => s + v * r.points[i].x, 0));
  const scale = Math.max(...x.map(Math.abs));
  x.forEach((v, i) => assert.ok(Math.abs(sign * v - r.points[i].x) <= 1e-3 * scale, `patch ${i}: PC1 ${r.points[i].x} vs ${sign * v}`));
  assert.ok(Math.abs((r.explainedVariance?.[0] ?? NaN) - pc.share) <= 1e-4, `PC1 share ${r.explainedVariance?.[0]} vs ${pc.share}`);

  const u = await engine['vision/patchProjection']({ runId: inspected.runId, layer: 0, method: 'umap', seed: 1, fusion: 'mean', discardRatio: 0 }, signal);
  assert.equal(u.points.length, 64);
  assert.ok(u.points.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y)));
  await assert.rejects(async () => engine['vision/patchProjection']({ runId: inspected.runId, layer: 4, method: 'pca', seed: 0, fusion: 'mean', discardRatio: 0 }, signal), /layer 4 is past the model's 4 layers/);
  await assert.rejects(async () => engine['vision/patchProjection']({ runId: 'gone', layer: 0, method: 'pca', seed: 0, fusion: 'mean', discardRatio: 0 }, signal), /no longer kept/);
});
