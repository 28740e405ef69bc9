// The onnxruntime objective that training uses equals the JavaScript definition, and fits to the same minimum.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitLogistic, jsObjective } from '../../src/engine/analyses/logisticRegression';
import { graphObjective } from '../../src/engine/features/probes/logisticLossGraph';

interface Reference { n: number; d: number; k: number; l2: number; x: number[]; y: number[]; loss: number; weights: number[] }
const ref = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'probes', 'logisticReference.json'), 'utf8')) as Reference;
const x = Float32Array.from(ref.x);
const y = Int32Array.from(ref.y);

test('the graph objective equals logisticLoss (value and gradient) at arbitrary weights', async () => {
  const theta = Float64Array.from({ length: ref.k * ref.d + ref.k }, (_, i) => Math.cos(i * 1.7) * 0.5);
  const [g1, g2] = [new Float64Array(theta.length), new Float64Array(theta.length)];
  const a = await jsObjective(x, y, ref.n, ref.d, ref.k, ref.l2)(theta, g1);
  const b = await graphObjective(x, y, ref.n, ref.d, ref.k, ref.l2, 1)(theta, g2);
  assert.ok(Math.abs(a - b) <= 1e-12, `${a} vs ${b}`);
  g1.forEach((v, i) => assert.ok(Math.abs(v - g2[i]) <= 1e-12, `gradient ${i}`));
});

test('training through the graph reaches the numpy reference minimum within 1e-4', async () => {
  const fit = await fitLogistic(graphObjective(x, y, ref.n, ref.d, ref.k, ref.l2, 1), ref.d, ref.k, { maxIterations: 500, tolerance: 1e-10 });
  assert.ok(Math.abs(fit.loss - ref.loss) <= 1e-4);
  ref.weights.forEach((w, i) => assert.ok(Math.abs(fit.model.weights[i] - w) <= 1e-4, `weight ${i}`));
});

test('the float32 graph (the future-token probes\' fits) agrees with the float64 one to float32 precision', async () => {
  const theta = Float64Array.from({ length: ref.k * ref.d + ref.k }, (_, i) => Math.cos(i * 1.7) * 0.5);
  const [g64, g32] = [new Float64Array(theta.length), new Float64Array(theta.length)];
  const a = await graphObjective(x, y, ref.n, ref.d, ref.k, ref.l2, 1)(theta, g64);
  const b = await graphObjective(x, y, ref.n, ref.d, ref.k, ref.l2, 1, 'float32')(theta, g32);
  assert.ok(Math.abs(a - b) <= 1e-5 * Math.abs(a), `${a} vs ${b}`);
  const scale = Math.max(...g64.map(Math.abs));
  g64.forEach((v, i) => assert.ok(Math.abs(v - g32[i]) <= 1e-5 * scale, `gradient ${i}: ${v} vs ${g32[i]}`));
});
