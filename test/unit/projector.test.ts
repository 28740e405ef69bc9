/** Projector maths: PCA (exact and randomized, JavaScript and onnxruntime products) against numpy's
 * float64 eigh (test/fixtures/references/pca_reference.py), cosine neighbours and analogies by hand. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pca } from '../../src/engine/analyses/pca';
import { analogy, nearestByCosine, neighboursOfRow } from '../../src/engine/analyses/neighbours';
import { ortProducts } from '../../src/engine/features/projector/matmulGraphs';
import { readEmbeddingMatrix, readUnembeddingMatrix } from '../../src/engine/features/projector/embeddingMatrix';
import { umap2d } from '../../src/engine/analyses/umap';
import { pointsCsv, pointsJson } from '../../src/host/panels/projectorExport';
import { ortKnn } from '../../src/engine/features/projector/knnGraph';
import { seededRandom } from '../../src/util/distribution';
import type { Matrix } from '../../src/engine/analyses/matrix';

const root = join(import.meta.dirname, '..', '..');
const codeLm = join(root, 'models', 'tensorloupe-code-lm', 'onnx', 'model.onnx');
interface Reference { components: number[][]; variance: number[]; explainedVarianceRatio: number[] }
const fixture = JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'references', 'pca-code-lm.json'), 'utf8')) as { k: number; synthetic: Reference; codeLmEmbedding: Reference };

/** the closed formula pca_reference.py uses, in float32 like the fixture */
function synthetic(n = 2000, d = 64, latent = 8): Matrix {
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      let v = 0;
      for (let k = 0; k < latent; k++) v += 2 ** (-k / 2) * Math.sin((i + 1) * (k + 1) * 0.37 + k) * Math.cos((k + 1) * (j + 1) * 0.23);
      data[i * d + j] = v + 0.05 * Math.sin(0.013 * i * j + 0.5);
    }
  }
  return { rows: n, cols: d, data };
}

/** max |a − b| over a component, after matching its sign */
function componentError(got: Float64Array, row: number, d: number, want: number[]): number {
  let dot = 0;
  for (let j = 0; j < d; j++) dot += got[row * d + j] * want[j];
  const sign = dot < 0 ? -1 : 1;
  let worst = 0;
  for (let j = 0; j < d; j++) worst = Math.max(worst, Math.abs(sign * got[row * d + j] - want[j]));
  return worst;
}

function assertMatches(result: Awaited<ReturnType<typeof pca>>, ref: Reference, d: number, k: number, tol: number, what: string): void {
  for (let c = 0; c < k; c++) {
    const err = componentError(result.components, c, d, ref.components[c]);
    assert.ok(err <= tol, `${what}: component ${c} differs by ${err}`);
    const rel = Math.abs(result.variance[c] - ref.variance[c]) / ref.variance[c];
    assert.ok(rel <= tol, `${what}: variance ${c} ${result.variance[c]} vs ${ref.variance[c]}`);
    assert.ok(Math.abs(result.explainedVarianceRatio[c] - ref.explainedVarianceRatio[c]) <= tol, `${what}: ratio ${c} ${result.explainedVarianceRatio[c]} vs ${ref.explainedVarianceRatio[c]}`);
  }
}

test('exact PCA of 2,000 × 64 correlated data matches numpy within 1e-4 up to sign', async () => {
  const m = synthetic();
  const result = await pca(m, { method: 'exact', components: fixture.k });
  assert.equal(result.method, 'exact');
  assertMatches(result, fixture.synthetic, 64, fixture.k, 1e-4, 'synthetic exact');
  // the projection is the centred data times the components: check one point by hand
  const i = 123;
  let x = 0;
  for (let j = 0; j < 64; j++) x += (m.data[i * 64 + j] - result.mean[j]) * result.components[j];
  assert.ok(Math.abs(result.projected[i * fixture.k] - x) < 1e-9);
});

test('exact PCA of the code LM embedding matrix (4,096 × 128) matches numpy within 1e-4 up to sign', async () => {
  const m = await readEmbeddingMatrix(codeLm);
  assert.deepEqual([m.rows, m.cols], [4096, 128]);
  const result = await pca(m, { method: 'exact', components: fixture.k });
  assertMatches(result, fixture.codeLmEmbedding, 128, fixture.k, 1e-4, 'embedding exact');
});

test('randomized SVD agrees with the exact components on the leading ones (JavaScript and onnxruntime products)', async () => {
  const m = synthetic();
  const js = await pca(m, { method: 'randomized', components: 4, seed: 7 });
  assert.equal(js.method, 'randomized');
  assertMatches(js, fixture.synthetic, 64, 4, 1e-4, 'synthetic randomized');
  // shifted by 3 (PCA ignores a shift): the products must remove the mean themselves
  const shifted: Matrix = { ...m, data: m.data.map((v) => v + 3) };
  const ort = await pca(shifted, { method: 'randomized', components: 4, seed: 7 }, (mean) => ortProducts(shifted, mean, 1));
  // float32 products: the same components to float32 rounding
  assertMatches(ort, fixture.synthetic, 64, 4, 1e-4, 'synthetic randomized (onnxruntime)');
  const again = await pca(m, { method: 'randomized', components: 4, seed: 7 });
  assert.deepEqual(again.projected, js.projected, 'one seed, one answer');
});

test('the code LM ties its unembedding to its embedding', async () => {
  const e = await readEmbeddingMatrix(codeLm);
  const { tied, matrix } = await readUnembeddingMatrix(codeLm, e);
  assert.equal(tied, true);
  assert.deepEqual([matrix.rows, matrix.cols], [4096, 128]);
});

// rows: 0 = (1,0), 1 = (0.9, 0.1), 2 = (0,1), 3 = (-1, 0), 4 = (0,0) (never a neighbour), 5 = (1,1)
const tiny: Matrix = { rows: 6, cols: 2, data: Float32Array.of(1, 0, 0.9, 0.1, 0, 1, -1, 0, 0, 0, 1, 1) };

test('cosine neighbours by hand: order, similarity, rank, self and zero rows excluded', () => {
  const n = neighboursOfRow(tiny, 0, 3);
  assert.deepEqual(n.map((x) => x.index), [1, 5, 2]);
  assert.ok(Math.abs(n[0].cosine - 0.9 / Math.hypot(0.9, 0.1)) < 1e-6);
  assert.ok(Math.abs(n[1].cosine - Math.SQRT1_2) < 1e-6);
  assert.ok(Math.abs(n[2].cosine) < 1e-6);
  assert.deepEqual(n.map((x) => x.rank), [1, 2, 3]);
  assert.deepEqual(neighboursOfRow(tiny, 0, 10).map((x) => x.index), [1, 5, 2, 3]);
  assert.deepEqual(nearestByCosine(tiny, [0, 0], 3), []);
});

test('analogy a − b + c by hand, the three inputs excluded', () => {
  // (0,1) − (-1,0) + (1,0) → (2,1)/… : nearest is (1,1) then (0.9,0.1); inputs 2, 3, 0 never answer
  const a = analogy(tiny, 2, 3, 0, 3);
  assert.deepEqual(a.map((x) => x.index), [5, 1]);
  const q = [0 + 1 + 1, 1 + 0 + 0];
  assert.ok(Math.abs(a[0].cosine - (q[0] + q[1]) / (Math.hypot(...q) * Math.SQRT2)) < 1e-6);
  assert.equal(a[0].rank, 1);
});

/** three tight Gaussian-ish clusters far apart in 16 dimensions, from a seeded stream */
function clusters(perCluster: number): Matrix {
  const random = seededRandom(3);
  const d = 16;
  const data = new Float32Array(3 * perCluster * d);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < perCluster; i++) {
      for (let j = 0; j < d; j++) data[(c * perCluster + i) * d + j] = (j % 3 === c ? 10 : 0) + random() - 0.5;
    }
  }
  return { rows: 3 * perCluster, cols: d, data };
}

test('UMAP: one seed gives the identical layout; well-separated clusters stay separated; progress and cancel between epochs', async () => {
  const m = clusters(40);
  const progress: number[] = [];
  const a = await umap2d(m, { seed: 11, nEpochs: 100 }, undefined, (p) => progress.push(p.epoch));
  const b = await umap2d(m, { seed: 11, nEpochs: 100 });
  assert.deepEqual(a, b);
  assert.equal(progress.at(-1), 100);
  const c = await umap2d(m, { seed: 12, nEpochs: 100 });
  assert.notDeepEqual(a, c, 'the seed reaches the layout');
  // every point is nearer its own cluster's centre than any other cluster's
  const centre = (k: number) => [0, 1].map((axis) => { let s = 0; for (let i = 0; i < 40; i++) s += a[2 * (k * 40 + i) + axis]; return s / 40; });
  const centres = [0, 1, 2].map(centre);
  for (let i = 0; i < m.rows; i++) {
    const dist = centres.map(([x, y]) => Math.hypot(a[2 * i] - x, a[2 * i + 1] - y));
    const own = Math.floor(i / 40);
    assert.equal(dist.indexOf(Math.min(...dist)), own, `point ${i} strayed`);
  }
  const signal = { cancelled: false, onCancel: () => undefined };
  const cancelled = umap2d(m, { seed: 11, nEpochs: 100 }, signal, (p) => { if (p.epoch >= 20) signal.cancelled = true; });
  await assert.rejects(cancelled, /cancel/i);
});

test('the onnxruntime exact k-NN agrees with a brute-force search, and UMAP on it keeps clusters apart', async () => {
  const m = clusters(30);
  const { indices, distances } = await ortKnn(1)(m, 5);
  for (const i of [0, 17, 45, 89]) {
    const all = Array.from({ length: m.rows }, (_, j) => {
      let s = 0;
      for (let c = 0; c < m.cols; c++) s += (m.data[i * m.cols + c] - m.data[j * m.cols + c]) ** 2;
      return { j, d: Math.sqrt(s) };
    }).sort((a, b) => a.d - b.d);
    assert.deepEqual(indices[i], all.slice(0, 5).map((x) => x.j));
    for (let c = 0; c < 5; c++) assert.ok(Math.abs(distances[i][c] - all[c].d) < 1e-3, `${i}:${c}`);
  }
  const xy = await umap2d(m, { seed: 2, nEpochs: 100 }, undefined, undefined, ortKnn(1));
  const again = await umap2d(m, { seed: 2, nEpochs: 100 }, undefined, undefined, ortKnn(1));
  assert.deepEqual(xy, again);
  const within = (i: number, j: number) => Math.hypot(xy[2 * i] - xy[2 * j], xy[2 * i + 1] - xy[2 * j + 1]);
  assert.ok(within(0, 1) < within(0, 31) && within(31, 32) < within(31, 61));
});

test('export: CSV quotes a token that is a comma, a quote or a newline; JSON has the CLI’s shape', () => {
  const points = [
    { x: 1, y: 2, id: 3, text: 'a,b' },
    { x: 0.5, y: -1, id: 4, text: 'say "hi"\n', file: 'f.ts', line: 2, position: 7, layer: 1, category: 'string' },
  ];
  assert.equal(pointsCsv(points), 'x,y,id,text,file,line,position,layer,category\r\n1,2,3,"a,b",,,,,\r\n0.5,-1,4,"say ""hi""\n",f.ts,2,7,1,string\r\n');
  const json = JSON.parse(pointsJson({ model: 'm', source: 'resid', method: 'umap', dims: 2, totalPoints: 2, points, ms: 1 })) as Record<string, unknown>;
  assert.deepEqual(Object.keys(json), ['model', 'method', 'points']);
});

test("'auto' keeps the exact method to narrow rows (its d × d eigen-decomposition is cubic) and small budgets", async () => {
  const { autoPcaMethod } = await import('../../src/engine/analyses/pca');
  assert.equal(autoPcaMethod(300, 128), 'exact');
  assert.equal(autoPcaMethod(300, 256), 'exact');
  assert.equal(autoPcaMethod(300, 257), 'randomized');
  assert.equal(autoPcaMethod(300, 768), 'randomized', 'a few hundred GPT-2-small hidden states');
  assert.equal(autoPcaMethod(100_000, 64), 'randomized', 'past the covariance budget');
  // the randomized method with fewer points than its sketch: 5 points of 300 dimensions
  let s = 3;
  const data = Float32Array.from({ length: 5 * 300 }, () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5));
  const few = await pca({ rows: 5, cols: 300, data }, { components: 2 });
  assert.equal(few.method, 'randomized');
  const exact = await pca({ rows: 5, cols: 300, data }, { method: 'exact', components: 2 });
  few.variance.forEach((v, i) => assert.ok(Math.abs(v - exact.variance[i]) <= 1e-4 * exact.variance[0], `component ${i}: ${v} vs ${exact.variance[i]}`));
});
