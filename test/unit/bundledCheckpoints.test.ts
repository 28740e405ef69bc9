// The bundled runs Compare Checkpoints offers when the current model has none, and Select Model's
// "N checkpoints" note: the models/ folders with checkpoints/step-N/ inside.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { bundledWithCheckpoints, checkpointCount } from '../../src/host/bundledCheckpoints';

const ROOT = join(__dirname, '..', '..');

test('the bundled runs with checkpoints: tensorloupe-attn2 and its Zipf / uniform variants, nothing else', () => {
  const found = bundledWithCheckpoints(ROOT).map((m) => [m.name, m.count]);
  assert.deepEqual(found, [['tensorloupe-attn2', 8], ['tensorloupe-attn2-uniform', 6], ['tensorloupe-attn2-zipf', 6]]);
  assert.equal(checkpointCount(join(ROOT, 'models', 'tensorloupe-code-lm')), 0);
  assert.deepEqual(bundledWithCheckpoints(join(ROOT, 'no-such-extension')), []);
});
