// Per-head statistics of the induction scan, the repeated-random-tokens input, and where the
// package finds its bundled model, worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { headStats } from '../../src/engine/analyses/headStats';
import { inductionInput } from '../../src/engine/analyses/induction';
import { defaultModelDir, packageRoot } from '../../src/util/paths';
import { ROOT } from '../helpers/paths';

const close = (a: number, b: number, what = '') => assert.ok(Math.abs(a - b) < 1e-6, `${what} ${a} vs ${b}`);

test('head statistics of a 3×3 map: mean entropy, previous-token and first-token attention', () => {
  const p = Float32Array.from([1, 0, 0, 0.5, 0.5, 0, 0.25, 0.25, 0.5]);
  const [s] = headStats({ dims: [1, 3, 3], data: p });
  close(s.entropy, (0 + 1 + 1.5) / 3, 'entropy');
  close(s.previousToken, (0.5 + 0.25) / 2, 'previous token');
  close(s.firstToken, (1 + 0.5 + 0.25) / 3, 'first token');
  assert.ok(Number.isNaN(s.induction) && Number.isNaN(s.duplicateToken), 'no period, no induction score');
});

test('queries after earlier context: the diagonal shifts by the keys before them', () => {
  // 2 queries over 3 keys: query 1 sits at position 2, so its previous token is key 1
  const [s] = headStats({ dims: [1, 2, 3], data: Float32Array.from([0.5, 0.5, 0, 0.2, 0.3, 0.5]) });
  close(s.previousToken, 0.3);
});

test('induction and duplicate-token scores on BOS + (a b) + (a b)', () => {
  // period 2: the second copy starts at 3; induction reads p[q, q − 1] there, duplicate p[q, q − 2]
  const rows = [
    [1, 0, 0, 0, 0],
    [0.5, 0.5, 0, 0, 0],
    [0.2, 0.3, 0.5, 0, 0],
    [0.1, 0.2, 0.6, 0.1, 0], // q3 = a: after the earlier a comes key 2 → 0.6; the earlier a is key 1 → 0.2
    [0.1, 0.1, 0.1, 0.4, 0.3], // q4 = b: key 3 → 0.4; the earlier b, key 2 → 0.1
  ];
  const [s] = headStats({ dims: [1, 5, 5], data: Float32Array.from(rows.flat()) }, 2);
  close(s.induction, (0.6 + 0.4) / 2, 'induction');
  close(s.duplicateToken, (0.2 + 0.1) / 2, 'duplicate token');
});

test('repeated random tokens: BOS, a block, the same block; distinct ids in range, none excluded', () => {
  const ids = inductionInput({ seed: 3, length: 60, vocabSize: 200, bos: 0, exclude: [5, 6], minId: 1 });
  assert.equal(ids.length, 121);
  assert.equal(ids[0], 0);
  assert.deepEqual(ids.slice(61), ids.slice(1, 61), 'the second copy repeats the first');
  const block = ids.slice(1, 61);
  assert.equal(new Set(block).size, 60, 'distinct within a copy when the vocabulary allows');
  for (const id of block) assert.ok(id >= 1 && id < 200 && id !== 5 && id !== 6, `id ${id}`);
  const high = inductionInput({ seed: 1, length: 20, vocabSize: 200, bos: 0, minId: 150 });
  for (const id of high.slice(1)) assert.ok(id >= 150 && id < 200, `minId 150: id ${id}`);
  assert.deepEqual(inductionInput({ seed: 3, length: 60, vocabSize: 200, bos: 0, exclude: [5, 6], minId: 1 }), ids, 'seeded');
  // too small a vocabulary for distinct ids: repeats are allowed rather than looping forever
  const tiny = inductionInput({ seed: 2, length: 8, vocabSize: 4, bos: 0, minId: 1 });
  assert.equal(tiny.length, 17);
});

test("the package root is the nearest folder whose package.json is Tensorloupe's", () => {
  assert.equal(packageRoot(join(ROOT, 'src', 'util')), ROOT);
  assert.equal(packageRoot(join(ROOT, 'node_modules', 'onnxruntime-node', 'dist')), ROOT, 'another package.json on the way is passed by');
  assert.equal(defaultModelDir(ROOT), join(ROOT, 'models', 'tensorloupe-code-lm'));
  const lonely = mkdtempSync(join(tmpdir(), 'tl-root-'));
  writeFileSync(join(lonely, 'package.json'), '{ not json');
  assert.equal(packageRoot(join(lonely, 'a')), join(lonely, 'a', '..'), 'no Tensorloupe above: the folder above the start');
});
