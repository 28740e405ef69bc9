// Logit-lens paging: a first page (`positions`) plus `lens/page` for the rest gives exactly the
// grid of one full `lens/get`, and a request without `positions` keeps the original contract.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngineHandlers } from '../../src/engine/engineHandlers';
import { positionRange } from '../../src/engine/features/lens/lensPages';
import { CODE_LM } from '../helpers/paths';

const never = { cancelled: false, onCancel: () => undefined };
const engine = createEngineHandlers({ provider: 'cpu', threads: 1, cacheDir: mkdtempSync(join(tmpdir(), 'tl-lens-pages-')) });
const skip = !existsSync(join(CODE_LM, 'onnx', 'model.onnx')) && 'code-lm not built';
const TEXT = 'function add(a: number, b: number): number {\n  return a + b;\n}\nconsole.log(add(1, 2));\n';

test('positionRange: slice-like, clamped, empty means all', () => {
  assert.deepEqual(positionRange(10), { from: 0, to: 10 });
  assert.deepEqual(positionRange(10, { from: -4, to: 10 }), { from: 6, to: 10 });
  assert.deepEqual(positionRange(10, { from: -40, to: 1000 }), { from: 0, to: 10 });
  assert.deepEqual(positionRange(10, { from: 2, to: -3 }), { from: 2, to: 7 });
  assert.deepEqual(positionRange(10, { from: 5, to: 5 }), { from: 0, to: 10 });
});

test('code-lm: first page + lens/page equals the full grid, cell for cell', { skip }, async () => {
  const full = await engine['lens/get']({ model: CODE_LM, text: TEXT, maxTokens: 2048, topK: 3 }, never);
  const T = full.positions;
  const L = full.layers.length;
  const k = 3;
  assert.deepEqual(full.computed, { from: 0, to: T }, 'no positions: every one');
  const first = await engine['lens/get']({ model: CODE_LM, text: TEXT, maxTokens: 2048, topK: 3, positions: { from: -5, to: T } }, never);
  assert.deepEqual(first.computed, { from: T - 5, to: T });
  assert.equal(first.topIds.length, L * T * k, 'full-size arrays');
  for (let l = 0; l < L; l++) {
    for (let p = 0; p < T; p++) {
      const inside = p >= T - 5;
      assert.equal(first.klToFinal[l * T + p], inside ? full.klToFinal[l * T + p] : 0, `kl ${l},${p}`);
      assert.equal(first.topIds[(l * T + p) * k], inside ? full.topIds[(l * T + p) * k] : 0, `top ${l},${p}`);
    }
  }
  const rest = await engine['lens/page']({ runId: first.runId, from: 0, to: T - 5, topK: 3 }, never);
  assert.equal(rest.topIds.length, L * (T - 5) * k);
  const P = T - 5;
  for (let l = 0; l < L; l++) {
    for (let p = 0; p < P; p++) {
      assert.equal(rest.entropyBits[l * P + p], full.entropyBits[l * T + p], `entropy ${l},${p}`);
      assert.equal(rest.klToFinal[l * P + p], full.klToFinal[l * T + p], `kl ${l},${p}`);
      for (let j = 0; j < k; j++) {
        assert.equal(rest.topIds[(l * P + p) * k + j], full.topIds[(l * T + p) * k + j], `top ${l},${p},${j}`);
        assert.equal(rest.topProbs[(l * P + p) * k + j], full.topProbs[(l * T + p) * k + j]);
      }
    }
  }
  for (const id of rest.topIds) assert.equal(typeof rest.tokenTexts[id], 'string');
  await assert.rejects(async () => engine['lens/page']({ runId: first.runId, from: 3, to: T + 1, topK: 3 }, never), /not a range inside/);
  await assert.rejects(async () => engine['lens/page']({ runId: 'gone', from: 0, to: 1, topK: 3 }, never), /no longer in the engine/);
});
