// Built-in token tasks from the TypeScript scanner: categories, inside-string-or-comment, bracket depth.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinDataset, labelSpans, pieceBounds } from '../../src/engine/features/probes/builtinTasks';

const labelled = (task: Parameters<typeof labelSpans>[0], text: string) =>
  labelSpans(task, text).map((s) => [text.slice(s.start, s.end), s.label]);

test('categories: keywords, identifiers, strings, numbers, comments, operators, punctuation, whitespace', () => {
  assert.deepEqual(labelled('builtin:category', 'const a = 1; // c\n'), [
    ['const', 'keyword'], [' ', 'whitespace'], ['a', 'identifier'], [' ', 'whitespace'], ['=', 'operator'], [' ', 'whitespace'],
    ['1', 'number'], [';', 'punctuation'], [' ', 'whitespace'], ['// c', 'comment'], ['\n', 'whitespace'],
  ]);
});

test('a template with a substitution and a regular expression are scanned as the parser would', () => {
  assert.deepEqual(labelled('builtin:category', 'f(`x${b}y`, /a+/g)'), [
    ['f', 'identifier'], ['(', 'punctuation'], ['`x${', 'string'], ['b', 'identifier'], ['}y`', 'string'], [',', 'punctuation'],
    [' ', 'whitespace'], ['/a+/g', 'string'], [')', 'punctuation'],
  ]);
  // after an identifier, `/` divides
  assert.deepEqual(labelled('builtin:category', 'a / b').map((p) => p[1]), ['identifier', 'whitespace', 'operator', 'whitespace', 'identifier']);
});

test('in-string covers strings, templates and comments; depth counts enclosing brackets', () => {
  assert.deepEqual(labelled('builtin:in-string', 'a("s") /* c */').map((p) => p[1]), ['code', 'code', 'string-or-comment', 'code', 'code', 'string-or-comment']);
  assert.deepEqual(labelled('builtin:depth', 'f(a[b({c})])'), [
    ['f', '0'], ['(', '0'], ['a', '1'], ['[', '1'], ['b', '2'], ['(', '2'], ['{', '3'], ['c', '4+'], ['}', '3'], [')', '2'], [']', '1'], [')', '0'],
  ]);
});

test('files are cut at line ends into pieces whose spans still cover every character', () => {
  const text = readFileSync(join(__dirname, '..', 'fixtures', 'workspace', 'tokenize.ts'), 'utf8');
  const bounds = pieceBounds(text, 200);
  assert.equal(bounds[0][0], 0);
  assert.equal(bounds[bounds.length - 1][1], text.length);
  for (const [a, b] of bounds.slice(0, -1)) assert.equal(text[b - 1], '\n', `piece [${a}, ${b}) ends a line`);
  const d = builtinDataset('builtin:category', [{ path: 'tokenize.ts', text }]);
  assert.equal(d.texts.join(''), text);
  d.texts.forEach((t, i) => {
    let at = 0;
    for (const s of d.spans[i]) {
      assert.equal(s.start, at, `piece ${i} covered without gaps`);
      at = s.end;
    }
    assert.equal(at, t.length);
  });
  const labels = new Set(d.spans.flat().map((s) => s.label));
  for (const l of ['keyword', 'identifier', 'string', 'number', 'comment', 'operator', 'punctuation', 'whitespace']) assert.ok(labels.has(l), l);
  assert.throws(() => builtinDataset('builtin:depth', []), /needs TypeScript or JavaScript files \(--files GLOB/);
});
