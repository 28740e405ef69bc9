// The induction-scan handler end to end on a stand-in model (no ONNX): layer 1 head 0 is a
// perfect induction head (attends to the token after the previous occurrence of the current
// token), and the "logits" copy that token. The scan must find that head with score 1, see the
// second copy's loss collapse, and be deterministic per seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inductionHandlers } from '../../src/engine/features/induction/induction';
import type { FeatureContext } from '../../src/engine/features/context';
import type { InstrumentedLm } from '../../src/engine/instrumentedModels';
import type { Activations } from '../../src/engine/instrument/fetchActivations';

const VOCAB = 100;
const never = { cancelled: false, onCancel: () => undefined };

/** index of the previous occurrence of ids[q] before q, or -1 */
function previous(ids: number[], q: number): number {
  for (let j = q - 1; j >= 0; j--) if (ids[j] === ids[q]) return j;
  return -1;
}

/** [1, head=2, T, T]: head 0 is an induction head (or the BOS sink), head 1 looks at the previous token */
function patterns(ids: number[], layer: number): { dims: number[]; data: Float32Array } {
  const T = ids.length;
  const data = new Float32Array(2 * T * T);
  for (let q = 0; q < T; q++) {
    const j = previous(ids, q);
    data[q * T + (layer === 1 && j >= 0 ? j + 1 : 0)] = 1;
    data[T * T + q * T + Math.max(0, q - 1)] = 1;
  }
  return { dims: [1, 2, T, T], data };
}

function fakeContext(calls: number[][]): FeatureContext {
  const model = {
    base: {
      folder: { name: 'fake' },
      tokenizer: { bosId: 0, isSpecial: (id: number) => id === 0 },
      info: { name: 'fake', vocabSize: VOCAB },
      lm: {
        kind: 'decoder-lm', // the scan refuses other kinds before instrumenting (models/kindGuard.ts)
        contextLength: 512,
        // a copying model: after a token seen before, predict what followed it; else uniform
        forward: async (ids: number[]) => {
          const logits = new Float32Array(ids.length * VOCAB); // [pos, vocab]
          ids.forEach((_, t) => {
            const j = previous(ids, t);
            if (j >= 0) logits[t * VOCAB + ids[j + 1]] = 20;
          });
          return { logits, vocab: VOCAB };
        },
      },
    },
    info: { nLayers: 2, nHeads: 2, recomputedLayers: [] },
    result: { hooks: [{ name: 'blocks.0.attn.hook_pattern', kind: 'pattern' }], unavailable: [] },
  } as unknown as InstrumentedLm;
  return {
    models: { load: async () => model.base } as unknown as FeatureContext['models'],
    instrumented: {
      load: async () => model,
      run: async (_m: InstrumentedLm, ids: number[]): Promise<Activations> => {
        calls.push(ids);
        return new Map([0, 1].map((l) => [`blocks.${l}.attn.hook_pattern`, patterns(ids, l)]));
      },
    } as unknown as FeatureContext['instrumented'],
  };
}

test('the scan finds the perfect induction head, and the second copy’s loss collapses', async () => {
  const calls: number[][] = [];
  const scan = inductionHandlers(fakeContext(calls))['induction/scan'];
  const r = await scan({ model: 'fake', seqLen: 10, batch: 3, seed: 0 }, never);
  assert.equal(calls.length, 3, 'one run per sequence');
  for (const ids of calls) {
    assert.equal(ids.length, 21);
    assert.equal(ids[0], 0, 'BOS first');
    assert.deepEqual(ids.slice(1, 11), ids.slice(11), 'the block is repeated');
    assert.ok(!ids.slice(1).includes(0), 'specials are never drawn');
  }
  assert.notDeepEqual(calls[0], calls[1], 'sequences of a batch differ');
  assert.deepEqual(r.best, { layer: 1, head: 0, score: 1 });
  assert.deepEqual([...r.induction], [0, 0, 1, 0]);
  assert.deepEqual([...r.prefixMatching], [0, 0, 0, 0]);
  assert.ok(Math.abs(r.lossFirstHalf - Math.log(VOCAB)) < 1e-6, `first copy ${r.lossFirstHalf}`);
  assert.ok(r.lossSecondHalf < 1e-6, `second copy ${r.lossSecondHalf}`);
  assert.equal(r.patternSize, 21);
  const again = await inductionHandlers(fakeContext([]))['induction/scan']({ model: 'fake', seqLen: 10, batch: 3, seed: 0 }, never);
  assert.deepEqual([...again.induction], [...r.induction]);
});

test('the scan checks its sizes and stops when cancelled', async () => {
  const scan = inductionHandlers(fakeContext([]))['induction/scan'];
  await assert.rejects(async () => scan({ model: 'fake', seqLen: 300, batch: 1, seed: 0 }, never), /2–255/);
  await assert.rejects(async () => scan({ model: 'fake', seqLen: 10, batch: 1, seed: -1 }, never), /Seed/);
  await assert.rejects(async () => scan({ model: 'fake', seqLen: 10, batch: 2, seed: 0 }, { cancelled: true, onCancel: () => undefined }), { code: 'Cancelled' });
});
