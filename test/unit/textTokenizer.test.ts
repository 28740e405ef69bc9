// Tokeniser table: text → tokens → ids → decoded, and the offsets the editor decorations use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TextTokenizer } from '../../src/engine/preprocess/textTokenizer';
import { CODE_LM } from '../helpers/paths';

const path = join(CODE_LM, 'tokenizer.json');
const skip = !existsSync(path) && 'bundled tokenizer not built yet';

const TABLE = [
  'def fibonacci(n):\n    return n',
  'interface Point { x: number }',
  '  \t\n\n    indented',
  'naïve café — “quotes” 日本語',
  'emoji 🙂👍🏽 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢',
  '<img src=x onerror=alert(1)></script>',
  'literal <|endoftext|> in the text',
  '',
];

test('every text gets BOS first, and decoding the rest gives the text back', { skip }, () => {
  const tok = new TextTokenizer(path);
  assert.equal(tok.bosId, 0);
  for (const text of TABLE) {
    const tokens = tok.encode(text);
    assert.equal(tokens[0].id, 0, `BOS for ${JSON.stringify(text)}`);
    assert.equal(tokens[0].special, true);
    assert.equal(tokens[0].start, -1);
    assert.equal(tok.decode(tokens.slice(1).map((t) => t.id)), text.replace('<|endoftext|>', ''), JSON.stringify(text));
  }
});

test('offsets tile the text exactly, even through multi-byte characters', { skip }, () => {
  const tok = new TextTokenizer(path);
  for (const text of TABLE) {
    const tokens = tok.encode(text).filter((t) => t.start >= 0);
    let cursor = 0;
    for (const t of tokens) {
      assert.ok(t.start <= cursor && t.end >= t.start, `${JSON.stringify(text)}: token ${JSON.stringify(t.text)} at ${t.start}-${t.end}, cursor ${cursor}`);
      cursor = Math.max(cursor, t.end);
    }
    assert.equal(cursor, text.length, `offsets of ${JSON.stringify(text)} end at ${cursor}`);
  }
});

test('a token\'s offsets select its own text for plain ASCII', { skip }, () => {
  const tok = new TextTokenizer(path);
  const text = 'const x = foo(bar);';
  for (const t of tok.encode(text).slice(1)) assert.equal(text.slice(t.start, t.end), t.text);
});

test('a special token typed in the text is found at its place', { skip }, () => {
  const tok = new TextTokenizer(path);
  const text = 'a<|endoftext|>b';
  const tokens = tok.encode(text);
  const inText = tokens.filter((t) => t.id === 0 && t.start >= 0);
  assert.equal(inText.length, 1);
  assert.equal(text.slice(inText[0].start, inText[0].end), '<|endoftext|>');
});
