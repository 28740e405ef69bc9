// The probe's optimiser against a float64 Newton reference (numpy: test/fixtures/probes/logisticReference.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitLogistic, jsObjective, logisticLoss, predictClasses, predictProbabilities } from '../../src/engine/analyses/logisticRegression';
import { applyStandardisation, fitStandardisation } from '../../src/engine/analyses/standardise';

interface Reference { n: number; d: number; k: number; l2: number; x: number[]; y: number[]; loss: number; weights: number[]; bias: number[] }
const ref = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'probes', 'logisticReference.json'), 'utf8')) as Reference;
const x = Float32Array.from(ref.x);
const y = Int32Array.from(ref.y);

test('L-BFGS reaches the numpy Newton minimum: loss and every weight within 1e-4', async () => {
  const fit = await fitLogistic(jsObjective(x, y, ref.n, ref.d, ref.k, ref.l2), ref.d, ref.k, { maxIterations: 500, tolerance: 1e-10 });
  assert.ok(Math.abs(fit.loss - ref.loss) <= 1e-4, `loss ${fit.loss} vs ${ref.loss}`);
  ref.weights.forEach((w, i) => assert.ok(Math.abs(fit.model.weights[i] - w) <= 1e-4, `weight ${i}: ${fit.model.weights[i]} vs ${w}`));
  ref.bias.forEach((b, i) => assert.ok(Math.abs(fit.model.bias[i] - b) <= 1e-4, `bias ${i}: ${fit.model.bias[i]} vs ${b}`));
});

test('the loss at the reference weights is the reference loss, and its gradient is zero there', () => {
  const theta = Float64Array.from([...ref.weights, ...ref.bias]);
  const grad = new Float64Array(theta.length);
  const loss = logisticLoss(x, y, ref.n, ref.d, ref.k, ref.l2, theta, grad);
  assert.ok(Math.abs(loss - ref.loss) <= 1e-12, `${loss} vs ${ref.loss}`);
  assert.ok(Math.max(...grad.map(Math.abs)) <= 1e-9);
});

test('the analytic gradient matches central differences', () => {
  const theta = Float64Array.from({ length: ref.k * ref.d + ref.k }, (_, i) => Math.sin(i + 1) * 0.3);
  const grad = new Float64Array(theta.length);
  logisticLoss(x, y, ref.n, ref.d, ref.k, ref.l2, theta, grad);
  const scratch = new Float64Array(theta.length);
  for (let p = 0; p < theta.length; p++) {
    const h = 1e-6;
    const up = Float64Array.from(theta);
    const down = Float64Array.from(theta);
    up[p] += h;
    down[p] -= h;
    const numeric = (logisticLoss(x, y, ref.n, ref.d, ref.k, ref.l2, up, scratch) - logisticLoss(x, y, ref.n, ref.d, ref.k, ref.l2, down, scratch)) / (2 * h);
    assert.ok(Math.abs(numeric - grad[p]) <= 1e-6, `parameter ${p}: ${numeric} vs ${grad[p]}`);
  }
});

test('probabilities sum to 1 and the predicted class is the most probable one', async () => {
  const fit = await fitLogistic(jsObjective(x, y, ref.n, ref.d, ref.k, ref.l2), ref.d, ref.k);
  const p = predictProbabilities(fit.model, x, ref.n);
  const c = predictClasses(fit.model, x, ref.n);
  for (let i = 0; i < ref.n; i++) {
    const row = p.subarray(i * ref.k, (i + 1) * ref.k);
    assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) <= 1e-6);
    assert.equal(c[i], row.indexOf(Math.max(...row)));
  }
  // separable enough: training accuracy well above chance
  assert.ok(c.filter((v, i) => v === y[i]).length / ref.n > 0.6);
});

test('standardisation uses only the rows given, and a constant column maps to 0', () => {
  const d = 2;
  const m = Float32Array.from([1, 5, 3, 5, 100, 5]); // 3 rows × 2 columns; row 2 is held out
  const s = fitStandardisation(m, d, [0, 1]);
  assert.deepEqual([...s.mean], [2, 5]);
  assert.deepEqual([...s.scale], [1, 1]);
  assert.deepEqual([...applyStandardisation(m, d, [0, 1, 2], s)], [-1, 0, 1, 0, 98, 0]);
});
