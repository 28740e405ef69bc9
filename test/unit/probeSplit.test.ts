// The split keeps texts apart; the control task gives each type one label; the metrics count right.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { controlLabels, splitByGroup } from '../../src/engine/features/probes/probeSplit';
import { accuracyOf, confusionMatrix, macroF1Of } from '../../src/engine/analyses/classificationMetrics';

test('no text has examples on two sides; every example is on one; the seed decides, reproducibly', () => {
  const group = Int32Array.from({ length: 500 }, (_, i) => Math.floor(i / 10)); // 50 texts of 10 examples
  const s = splitByGroup(group, 3, 'd.jsonl');
  const sideOf = new Map<number, string>();
  for (const [name, rows] of Object.entries(s)) for (const r of rows as Int32Array) {
    const g = group[r];
    assert.ok(!sideOf.has(g) || sideOf.get(g) === name, `text ${g} on ${sideOf.get(g)} and ${name}`);
    sideOf.set(g, name);
  }
  assert.equal(s.train.length + s.validation.length + s.test.length, 500);
  assert.deepEqual([s.train.length, s.validation.length, s.test.length], [300, 100, 100]);
  assert.deepEqual(splitByGroup(group, 3, 'd.jsonl'), s);
  assert.notDeepEqual(splitByGroup(group, 4, 'd.jsonl').test, s.test);
  assert.throws(() => splitByGroup(Int32Array.from([0, 0, 1]), 0, 'two.jsonl'), /two\.jsonl has 2 texts with labelled tokens; a probe needs at least 3/);
});

test('the control task gives every example of a type the same label, drawn with the true frequencies', () => {
  const n = 20000;
  const type = Int32Array.from({ length: n }, (_, i) => i % 4000); // 4,000 types
  const y = Int32Array.from({ length: n }, (_, i) => (i % 10 < 7 ? 0 : i % 10 < 9 ? 1 : 2)); // 70 / 20 / 10 %
  const c = controlLabels(type, y, 3, 11);
  const byType = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    if (byType.has(type[i])) assert.equal(c[i], byType.get(type[i]));
    byType.set(type[i], c[i]);
  }
  const share = [0, 1, 2].map((k) => [...byType.values()].filter((v) => v === k).length / byType.size);
  [0.7, 0.2, 0.1].forEach((p, k) => assert.ok(Math.abs(share[k] - p) < 0.03, `class ${k}: ${share[k]} vs ${p}`));
  assert.deepEqual(controlLabels(type, y, 3, 11), c);
});

test('accuracy, macro-F1 and the confusion matrix of a small case worked by hand', () => {
  const m = confusionMatrix([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], 3);
  assert.deepEqual([...m], [1, 1, 0, 0, 2, 0, 1, 0, 0]);
  assert.equal(accuracyOf(m, 3), 3 / 5);
  // F1: class 0 = 2·1/(2+2) = 0.5, class 1 = 2·2/(2+3) = 0.8, class 2 = 0 → mean 0.4333…
  assert.ok(Math.abs(macroF1Of(m, 3) - 1.3 / 3) <= 1e-12);
});
