// The cross-modal map's maths against numpy (test/fixtures/references/crossmodal_reference.py):
// ridge with λ by cross-validation over training classes, Procrustes after PCA, retrieval of the
// held-out classes' tokens and the shuffled-pairs control, for a source narrower and one wider than
// the target, within 1e-4. Also the seeded split and permutations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fitLayer, RIDGE_LAMBDAS } from '../../src/engine/features/crossModal/crossModalFit';
import { predictRow } from '../../src/engine/analyses/linearMap';
import { shuffledPairs, splitClasses } from '../../src/engine/features/crossModal/crossModalSplit';
import type { CrossModalMethod } from '../../src/protocol/crossModal';

interface Expected {
  cvScore: number;
  cvByLambda?: number[];
  lambda?: number;
  dims?: number;
  retrievalAt1: number;
  retrievalAt5: number;
  heldOutRetrievalAt1: number;
  heldOutRetrievalAt5: number;
  testRows: number[];
  predictions: number[];
  shuffled: { retrievalAt1: number; retrievalAt5: number; heldOutRetrievalAt1: number; heldOutRetrievalAt5: number };
}
interface Case {
  dSrc: number;
  dTgt: number;
  classOf: number[];
  targets: number[];
  layers: number[][];
  train: number[];
  test: number[];
  folds: number[][];
  permutations: number[][];
  expected: Record<CrossModalMethod, Expected>[];
}

const ROOT = join(__dirname, '..', '..');
const cases = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/references/crossmodal.json'), 'utf8')) as Record<string, Case>;
const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-4, `${what}: ${a} vs numpy ${b}`);

for (const [name, c] of Object.entries(cases)) {
  const input = {
    layers: c.layers.map((l) => Float32Array.from(l)),
    dSrc: c.dSrc,
    classOf: Int32Array.from(c.classOf),
    targets: Float64Array.from(c.targets),
    dTgt: c.dTgt,
    train: c.train,
    test: c.test,
    folds: c.folds,
    permutations: c.permutations.map((p) => Int32Array.from(p)),
    methods: ['ridge', 'procrustes'] as CrossModalMethod[],
  };
  c.expected.forEach((exp, layer) => {
    test(`${name} layer ${layer}: ridge and Procrustes equal numpy's`, () => {
      const got = fitLayer(input, layer);
      for (const method of input.methods) {
        const e = exp[method];
        const g = got.methods[method]!;
        close(g.cvScore, e.cvScore, `${method} cv score`);
        for (const key of ['retrievalAt1', 'retrievalAt5', 'heldOutRetrievalAt1', 'heldOutRetrievalAt5'] as const) {
          close(g[key], e[key], `${method} ${key}`);
          close(got.shuffled[method]![key], e.shuffled[key], `${method} shuffled ${key}`);
        }
        if (method === 'ridge') {
          assert.equal(g.lambda, e.lambda);
          e.cvByLambda!.forEach((s, i) => close(g.cvByLambda![i], s, `ridge cv at λ ${RIDGE_LAMBDAS[i]}`));
        } else {
          assert.equal(g.dims, e.dims);
        }
        // the maps themselves: each held-out sample's prediction in the centred target space
        const map = got.maps[method]!;
        e.testRows.forEach((r, i) => {
          const p = predictRow(map, input.layers[layer], r);
          p.forEach((v, j) => close(v, e.predictions[i * c.dTgt + j], `${method} prediction row ${r} [${j}]`));
        });
      }
    });
  });
}

test('the related layer retrieves held-out classes far above its shuffled control; the unrelated one does not', () => {
  const e = cases.wideSource.expected;
  assert.ok(e[0].ridge.retrievalAt1 > e[0].ridge.shuffled.retrievalAt1 + 0.5);
  assert.ok(e[1].ridge.retrievalAt1 < 0.2);
});

test('a layer where every sample is the same retrieves nothing (ties count against)', () => {
  const c = cases.wideSource;
  const x = new Float32Array(c.layers[0].length).fill(0.5);
  const input = { layers: [x], dSrc: c.dSrc, classOf: Int32Array.from(c.classOf), targets: Float64Array.from(c.targets), dTgt: c.dTgt, train: c.train, test: c.test, folds: c.folds, permutations: [], methods: ['ridge', 'procrustes'] as CrossModalMethod[] };
  const got = fitLayer(input, 0);
  assert.equal(got.constant, true);
  for (const m of input.methods) {
    assert.equal(got.methods[m]!.retrievalAt5, 0);
    assert.equal(got.methods[m]!.heldOutRetrievalAt1, 0);
  }
  assert.equal(fitLayer({ ...input, layers: [Float32Array.from(c.layers[0])] }, 0).constant, false);
});

test('the class split is seeded, whole-class, and leaves every side non-empty', () => {
  const a = splitClasses(36, 7);
  assert.deepEqual(splitClasses(36, 7), a);
  assert.notDeepEqual(splitClasses(36, 8).test, a.test);
  assert.equal(a.test.length, 12);
  assert.equal(new Set([...a.train, ...a.test]).size, 36);
  assert.deepEqual(a.folds.flat().sort((x, y) => x - y), [...a.train].sort((x, y) => x - y));
  const small = splitClasses(4, 0);
  assert.equal(small.test.length, 1);
  assert.equal(small.folds.length, 3);
  assert.throws(() => splitClasses(3, 0), /at least 4 classes/);
});

test('shuffled pairs are seeded derangements', () => {
  const p = shuffledPairs(20, 3, 10);
  assert.equal(p.length, 10);
  for (const perm of p) {
    assert.equal(new Set(perm).size, 20);
    perm.forEach((v, i) => assert.notEqual(v, i));
  }
  assert.deepEqual(shuffledPairs(20, 3, 10), p);
});
