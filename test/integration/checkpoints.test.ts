// Compare Checkpoints on the bundled tensorloupe-attn2 checkpoints (models/train/attn2_checkpoints.py:
// its own seeded run replayed to step 1,200, across the induction phase change): the CLI's exact JSON,
// checkpoints in step order, the induction score rising and the second copy's loss falling through
// training, CKA to the final checkpoint 1 for the final one; a selection gives an ICL score; bad input
// in one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, builtEnginePath } from '../helpers/paths';
import { runCli } from '../helpers/cli';
import { createEngineHandlers } from '../../src/engine/engineHandlers';

builtEnginePath();
const ATTN2 = join(ROOT, 'models', 'tensorloupe-attn2');
const signal = { cancelled: false, onCancel: () => undefined };

interface Json { checkpoints: { step: number; inductionBest: number; lossFirstCopy: number; lossSecondCopy: number; ckaToFinal: number[] }[] }

test('tensorloupe checkpoints: the exact JSON; induction rises and the second copy\'s loss falls through training', async () => {
  const run = await runCli(['checkpoints', '--model', ATTN2, '--json'], { timeoutMs: 300_000 });
  assert.equal(run.code, 0, run.stderr);
  const r = JSON.parse(run.stdout.toString()) as Json;
  assert.deepEqual(Object.keys(r), ['checkpoints']);
  const steps = r.checkpoints.map((c) => c.step);
  assert.ok(steps.length >= 4, `${steps.length} checkpoints`);
  assert.deepEqual(steps, [...steps].sort((a, b) => a - b), 'in step order');
  for (const c of r.checkpoints) {
    assert.deepEqual(Object.keys(c), ['step', 'inductionBest', 'lossFirstCopy', 'lossSecondCopy', 'ckaToFinal']);
    assert.equal(c.ckaToFinal.length, 3, 'embedding + 2 blocks');
    for (const v of c.ckaToFinal) assert.ok(v >= 0 && v <= 1 + 1e-9, String(v));
  }
  const [first, last] = [r.checkpoints[0], r.checkpoints[r.checkpoints.length - 1]];
  assert.ok(last.inductionBest > 3 * first.inductionBest, `induction ${first.inductionBest.toFixed(3)} → ${last.inductionBest.toFixed(3)}`);
  // through the phase change: no head copies at the first checkpoint, one does at the last
  assert.ok(first.inductionBest < 0.1 && last.inductionBest >= 0.3, `best induction ${first.inductionBest.toFixed(3)} at step ${first.step}, ${last.inductionBest.toFixed(3)} at step ${last.step}`);
  assert.ok(last.lossSecondCopy < first.lossSecondCopy - 1, `second-copy loss ${first.lossSecondCopy.toFixed(2)} → ${last.lossSecondCopy.toFixed(2)}`);
  assert.ok(last.lossSecondCopy < last.lossFirstCopy - 2, 'the trained model copies: the second copy is far easier than the first');
  for (const v of last.ckaToFinal) assert.ok(Math.abs(v - 1) < 1e-9, 'the final checkpoint against itself');
  assert.ok(first.ckaToFinal.every((v, l) => v < last.ckaToFinal[l]), 'the first checkpoint is further from the final one');
});

test('checkpoints/compare on a selection: an ICL score per checkpoint, CKA on the selection\'s tokens; bad folders in one line', async () => {
  const engine = createEngineHandlers({ provider: 'cpu', threads: 1 });
  const text = 'def f(a, b):\n    return a + b\n\ndef f(a, b):\n    return a + b\n'.repeat(2);
  const r = await engine['checkpoints/compare']({ model: ATTN2, text, seed: 0 }, signal);
  assert.equal(r.ckaInput, 'selection');
  assert.ok(r.iclWindows && r.iclWindows.early[0] < r.iclWindows.late[0]);
  for (const c of r.checkpoints) assert.ok(c.icl && Number.isFinite(c.icl.score) && Math.abs(c.icl.score - (c.icl.late - c.icl.early)) < 1e-12);
  await assert.rejects(async () => engine['checkpoints/compare']({ model: join(ROOT, 'models', 'tensorloupe-code-lm'), seed: 0 }, signal), /tensorloupe-code-lm has no checkpoints folder/);
  await assert.rejects(async () => engine['checkpoints/compare']({ model: ATTN2, folders: [join(ATTN2, 'checkpoints', 'step-200')], seed: 0 }, signal), /needs at least 2; found 1/);
});
