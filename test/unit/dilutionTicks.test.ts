import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dilutionLengths } from '../../src/engine/features/dilution/dilutionPlan';
import { tickLengths } from '../../webview/dilution/ticks';

test('dilution x ticks drop a power of two that would print on top of the full length', () => {
  assert.deepEqual(tickLengths(dilutionLengths(293)), [4, 8, 16, 32, 64, 128, 293]); // 256 and 293 are 0.19 octave apart
  assert.deepEqual(tickLengths(dilutionLengths(400)), [4, 8, 16, 32, 64, 128, 256, 400]);
  assert.deepEqual(tickLengths(dilutionLengths(64)), [4, 8, 16, 32, 64]);
  assert.deepEqual(tickLengths(dilutionLengths(5)), [5]);
  assert.deepEqual(tickLengths([]), []);
});
