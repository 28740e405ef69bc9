// The checks every webview message goes through before the host uses it (webviews are untrusted):
// each rejects the wrong type, out-of-range and non-integer values with a one-line message that
// names the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asObject, intIn, numberIn, oneOf, shortString } from '../../src/util/validate';

/** Rejects with an InputError whose one-line message is exactly `message`. */
function rejects(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: Error & { code?: string }) => {
    assert.equal(e.message, message);
    assert.equal(e.code, 'InputError');
    assert.ok(!e.message.includes('\n'));
    return true;
  });
}

test('asObject: plain objects only', () => {
  assert.deepEqual(asObject({ a: 1 }, 'head request'), { a: 1 });
  for (const bad of [null, undefined, 3, 'x', [], [1]]) rejects(() => asObject(bad, 'head request'), 'head request: expected an object.');
});

test('intIn: whole numbers within the range, ends included', () => {
  assert.equal(intIn(0, 0, 10, 'layer'), 0);
  assert.equal(intIn(10, 0, 10, 'layer'), 10);
  for (const bad of [-1, 11, 1.5, NaN, Infinity, '3', null, undefined, true, 2n]) {
    rejects(() => intIn(bad, 0, 10, 'layer'), 'layer must be a whole number from 0 to 10.');
  }
});

test('numberIn: finite numbers within the range', () => {
  assert.equal(numberIn(0.01, 0.01, 10, 'temperature'), 0.01);
  assert.equal(numberIn(2.5, 0.01, 10, 'temperature'), 2.5);
  for (const bad of [0, 10.0001, NaN, -Infinity, Infinity, '1', null]) {
    rejects(() => numberIn(bad, 0.01, 10, 'temperature'), 'temperature must be a number from 0.01 to 10.');
  }
});

test('shortString: text up to the length', () => {
  assert.equal(shortString('', 64, 'runId'), '');
  assert.equal(shortString('a'.repeat(64), 64, 'runId'), 'a'.repeat(64));
  for (const bad of ['a'.repeat(65), 5, null, undefined, ['x'], { toString: () => 'x' }]) {
    rejects(() => shortString(bad, 64, 'runId'), 'runId must be text of at most 64 characters.');
  }
});

test('oneOf: only the listed strings (no prototype names, no case folding)', () => {
  assert.equal(oneOf('sample', ['greedy', 'sample'] as const, 'mode'), 'sample');
  for (const bad of ['Sample', 'toString', '', 'greedy ', 1, null]) rejects(() => oneOf(bad, ['greedy', 'sample'] as const, 'mode'), 'mode must be one of greedy, sample.');
});
