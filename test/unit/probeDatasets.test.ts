// Probe datasets: JSONL and CSV files, their bad inputs (one line naming the row), and token labels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDataset } from '../../src/engine/features/probes/readDataset';
import { MAX_DATASET_ROWS } from '../../src/engine/features/probes/datasetTypes';
import { probeExamples } from '../../src/engine/features/probes/tokenLabels';
import type { HiddenPositions } from '../../src/engine/features/hiddenStates/collectHiddenStates';

const dir = mkdtempSync(join(tmpdir(), 'tl-datasets-'));
let fileNo = 0;
function file(ext: string, content: string | Buffer): string {
  const path = join(dir, `d${fileNo++}.${ext}`);
  writeFileSync(path, content);
  return path;
}
const jsonl = (rows: unknown[]) => file('jsonl', rows.map((r) => JSON.stringify(r)).join('\n') + '\n');

function refuses(path: string, pattern: RegExp): void {
  assert.throws(() => readDataset(path), (e: Error) => {
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
    assert.ok(e.message.includes(path), `names the file: ${e.message}`);
    return true;
  });
}

test('a sequence-level JSONL and a CSV with a quoted newline, comma and quote', () => {
  const a = readDataset(jsonl([{ text: 'a', label: 'x' }, { text: 'b', label: 'y' }]));
  assert.deepEqual(a, { task: 'sequence', name: a.name, texts: ['a', 'b'], labels: ['x', 'y'] });
  const b = readDataset(file('csv', 'text,label\n"line one\nline two, with ""quotes""",pos\nplain,neg\n'));
  assert.equal(b.task, 'sequence');
  assert.deepEqual(b.texts, ['line one\nline two, with "quotes"', 'plain']);
  assert.deepEqual(b.task === 'sequence' && b.labels, ['pos', 'neg']);
});

test('a label with HTML in it is kept as text', () => {
  const d = readDataset(jsonl([{ text: 'a', label: '<b onmouseover=x>bold</b>' }, { text: 'b', label: '&amp;' }]));
  assert.deepEqual(d.task === 'sequence' && d.labels, ['<b onmouseover=x>bold</b>', '&amp;']);
});

test('token-level spans are sorted; CSV spans come as a JSON column', () => {
  const d = readDataset(jsonl([{ text: 'let x = 1', spans: [{ start: 8, end: 9, label: 'num' }, { start: 0, end: 3, label: 'kw' }] }]));
  assert.equal(d.task, 'token');
  assert.deepEqual(d.task === 'token' && d.spans[0].map((s) => s.label), ['kw', 'num']);
  assert.equal(d.task === 'token' && d.outside, 'O');
  const c = readDataset(file('csv', 'text,spans\nabc,"[{""start"":0,""end"":1,""label"":""A""}]"\n'));
  assert.deepEqual(c.task === 'token' && c.spans, [[{ start: 0, end: 1, label: 'A' }]]);
});

test('bad rows: each refused in one line naming the file and the row', () => {
  refuses(jsonl([{ text: 'a', label: 'x' }, { text: 'b', label: 'x' }]), /only one class \("x"\)/);
  refuses(jsonl([{ text: 'a', label: 'x' }, { text: 'b' }]), /row 2: no "label"/);
  refuses(jsonl([{ text: 'a', label: 'x' }, { text: 'b', label: '  ' }]), /row 2: the label is empty/);
  refuses(file('csv', 'text,label\na,x\nb,\n'), /row 3: the label is empty/);
  refuses(jsonl([{ text: 'abc', spans: [{ start: 1, end: 9, label: 'A' }] }]), /row 1, span 1: \[1, 9\) is out of range; the text has 3 characters/);
  refuses(jsonl([{ text: 'abc', spans: [{ start: -1, end: 2, label: 'A' }] }]), /row 1, span 1: \[-1, 2\) is out of range/);
  refuses(jsonl([{ text: 'abcdef', spans: [{ start: 0, end: 3, label: 'A' }, { start: 2, end: 5, label: 'B' }] }]), /row 1: spans 1 \[0, 3\) and 2 \[2, 5\) overlap/);
  refuses(file('jsonl', '{"text": "a", "label": "x"}\n{not json}\n'), /row 2: not a JSON object/);
  refuses(jsonl([{ text: 'a', label: 'x' }, { text: 'b', spans: [] }]), /row 2: has "spans" but the first row has "label"/);
  refuses(file('csv', 'body,label\na,x\n'), /row 1: the header must name the columns "text" and "label"/);
  refuses(file('csv', 'text,label\n"unclosed,x\n'), /not valid CSV/);
  refuses(file('txt', 'a'), /a dataset is a \.jsonl or \.csv file/);
  refuses(join(dir, 'missing.jsonl'), /does not exist/);
  refuses(jsonl([{ text: 'a', label: 'x\u001b[2J' }, { text: 'b', label: 'x\u001b[2J' }]), /only one class \("x\\\\x1b\[2J"\)/);
});

test('a binary file is refused naming the byte and its line', () => {
  refuses(file('jsonl', Buffer.from([0x7b, 0x7d, 0x0a, 0x00, 0x01])), /is not a text file: byte 0x00 at offset 3 \(line 2\)/);
  refuses(file('csv', Buffer.concat([Buffer.from('text,label\n'), Buffer.from([0xff, 0xfe, 0x41])])), /byte 0xff at offset 11 \(line 2\)/);
});

test('1,000,000 rows are refused at the bound, naming the row past it', () => {
  const rows = 'text,label\n' + 'a,x\nb,y\n'.repeat(500_000);
  refuses(file('csv', rows), new RegExp(`more than ${MAX_DATASET_ROWS.toLocaleString('en-US')} rows \\(row ${(MAX_DATASET_ROWS + 2).toLocaleString('en-US')} is past the bound\\)`));
  const lines = '{"text":"a","label":"x"}\n'.repeat(1_000_000);
  refuses(file('jsonl', lines), new RegExp(`row ${(MAX_DATASET_ROWS + 1).toLocaleString('en-US')} is past the bound`));
});

function positions(tokens: [number, number, number][], texts: number[]): HiddenPositions {
  const n = tokens.length;
  return {
    count: n, dModel: 1,
    textIndex: Int32Array.from(texts), tokenId: Int32Array.from(tokens, (t) => t[2]),
    start: Int32Array.from(tokens, (t) => t[0]), end: Int32Array.from(tokens, (t) => t[1]),
    special: Uint8Array.from(tokens, (t) => (t[0] < 0 ? 1 : 0)),
  };
}

test('a token takes the span under its first non-space character; BOS is left out; the rest is "O"', () => {
  const d = readDataset(jsonl([{ text: 'let x = 10', spans: [{ start: 0, end: 3, label: 'kw' }, { start: 8, end: 10, label: 'num' }] }]));
  // BOS, "let", " x", " =", " 1", "0"
  const p = positions([[-1, -1, 0], [0, 3, 5], [3, 5, 6], [5, 7, 7], [7, 9, 8], [9, 10, 9]], [0, 0, 0, 0, 0, 0]);
  const ex = probeExamples(d, p);
  assert.deepEqual(ex.labels, ['kw', 'num', 'O']);
  assert.deepEqual([...ex.rows], [1, 2, 3, 4, 5]);
  assert.deepEqual([...ex.y].map((c) => ex.labels[c]), ['kw', 'O', 'O', 'num', 'num']);
  assert.deepEqual([...ex.type], [5, 6, 7, 8, 9]);
});
