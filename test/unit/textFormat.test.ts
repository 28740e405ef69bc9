// What the host shows around tokens and files: visible whitespace in token chips and hovers,
// counts and sizes in messages, and the binary-file guard before a selection is read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatCount, visibleToken } from '../../src/util/format';
import { looksBinary, looksBinaryText } from '../../src/util/text';

test('visibleToken shows whitespace as symbols and escapes control characters', () => {
  assert.equal(visibleToken(' return'), '·return');
  assert.equal(visibleToken('\n    '), '⏎····');
  assert.equal(visibleToken('\r\n\t'), '␍⏎⇥');
  assert.equal(visibleToken('\u001b[2J'), '\\x1b[2J', 'an escape sequence cannot reach the UI raw');
  assert.equal(visibleToken('a\u0000b\u007f'), 'a\\x00b\\x7f');
  assert.equal(visibleToken('héllo'), 'héllo', 'other characters unchanged');
});

test('counts and sizes as a user reads them', () => {
  assert.equal(formatCount(1332164), '1,332,164');
  assert.equal(formatCount(2047.6), '2,048');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1024), '1.0 KB');
  assert.equal(formatBytes(10 * 1024), '10 KB', 'one decimal below 10 only');
  assert.equal(formatBytes(9.96 * 1024), '10.0 KB');
  assert.equal(formatBytes(1024 * 1024), '1.0 MB', 'exactly 1024 KB is 1 MB');
  assert.equal(formatBytes(30.75 * 1024 * 1024), '31 MB');
  assert.equal(formatBytes(5.5 * 1024 ** 3), '5.5 GB');
  assert.equal(formatBytes(3 * 1024 ** 5), '3072 TB', 'the largest unit keeps growing');
});

test('binary guard: a NUL byte, or more than 10 % control characters, in the first 8 KB', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  assert.equal(looksBinary(enc('def f(x):\n\treturn x\r\n')), false, 'tabs, newlines and CR are text');
  assert.equal(looksBinary(Uint8Array.from([...new Array<number>(99).fill(0x61), 0x00])), true, 'one NUL byte');
  assert.equal(looksBinary(new Uint8Array(0)), false, 'an empty file is not binary');
  // 10 control bytes in 100: exactly 10 % is still text; 11 is binary
  const mixed = (n: number) => Uint8Array.from({ length: 100 }, (_, i) => (i < n ? 0x01 : 0x61));
  assert.equal(looksBinary(mixed(10)), false);
  assert.equal(looksBinary(mixed(11)), true);
  // which bytes count: 0x01–0x08 and 0x0e–0x1f do; tab, LF, VT, FF, CR (0x09–0x0d) and space do not
  const withByte = (b: number) => Uint8Array.from({ length: 100 }, (_, i) => (i < 11 ? b : 0x61));
  for (const b of [0x01, 0x08, 0x0e, 0x1b, 0x1f]) assert.equal(looksBinary(withByte(b)), true, `0x${b.toString(16)}`);
  for (const b of [0x09, 0x0a, 0x0d, 0x20]) assert.equal(looksBinary(withByte(b)), false, `0x${b.toString(16)}`);
  // only the first 8 KB counts
  const late = new Uint8Array(9000).fill(0x61);
  late[8500] = 0;
  assert.equal(looksBinary(late), false);
  assert.equal(looksBinaryText('ok\u0000'.padStart(100, 'a')), true);
  const withChar = (c: string) => c.repeat(11) + 'a'.repeat(89);
  for (const c of ['\u0001', '\u000e', '\u001b', '\u001f']) assert.equal(looksBinaryText(withChar(c)), true, JSON.stringify(c));
  for (const c of ['\t', '\n', '\r', ' ']) assert.equal(looksBinaryText(withChar(c)), false, JSON.stringify(c));
  assert.equal(looksBinaryText('\u0001'.repeat(11) + 'a'.repeat(89)), true);
  assert.equal(looksBinaryText('\u0001'.repeat(10) + 'a'.repeat(90)), false);
  assert.equal(looksBinaryText('\u001b'.repeat(5) + 'x'.repeat(95)), false);
});
