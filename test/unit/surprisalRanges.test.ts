// Surprisal decorations never colour a line's leading indentation or its line break.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { visiblePieces } from '../../src/util/surprisalRanges';

const doc = 'def f(n):\n    if n < 2:\r\n\t\treturn n\n\n   \nx = 1';
const pieces = (s: number, e: number) => visiblePieces(doc, s, e).map(([a, b]) => doc.slice(a, b));

test('a token that starts with a line break and indentation colours only its word', () => {
  const s = doc.indexOf('\n    if');
  assert.deepEqual(pieces(s, s + '\n    if'.length), ['if']);
});

test('indentation alone, line breaks and blank lines are not coloured', () => {
  const s = doc.indexOf('\n    if');
  assert.deepEqual(pieces(s, s + 5), [], '"\\n    " is all indentation');
  const r = doc.indexOf('\r\n');
  assert.deepEqual(pieces(r, r + 2), [], 'CRLF');
  const blank = doc.indexOf('\n\n   \n');
  assert.deepEqual(pieces(blank, blank + 6), [], 'an empty and a whitespace-only line');
  const tabs = doc.indexOf('\t\treturn');
  assert.deepEqual(pieces(tabs, tabs + 8), ['return'], 'tabs are indentation too');
});

test('tokens inside a line, and across lines, keep their visible text', () => {
  const lt = doc.indexOf(' < 2');
  assert.deepEqual(pieces(lt, lt + 2), [' <'], 'a space inside the line is part of its token');
  const s = doc.indexOf('2:');
  assert.deepEqual(pieces(s, doc.indexOf('return') + 3), ['2:', 'ret']);
  assert.deepEqual(pieces(doc.length - 1, doc.length + 5), ['1'], 'clamped to the document');
  assert.deepEqual(pieces(0, 3), ['def']);
});
