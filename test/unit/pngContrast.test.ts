// The e2e contrast check's own parts: the PNG decoder (every row filter, RGB and RGBA) against
// pixels written here, and WCAG contrast against figures worked out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { decodePng } from '../e2e/harness/png';
import { boxContrast, contrastRatio } from '../e2e/harness/contrast';

function chunk(type: string, body: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, Buffer.from(type, 'latin1'), body, Buffer.alloc(4)]); // CRC is not checked
}

/** A PNG whose row y uses filter y % 5, encoded the way the PNG spec defines each filter. */
function encode(width: number, height: number, bpp: 3 | 4, pixel: (x: number, y: number) => number[]): Buffer {
  const stride = width * bpp;
  const rows: number[][] = [];
  for (let y = 0; y < height; y++) rows.push(Array.from({ length: width }, (_, x) => pixel(x, y)).flat());
  const out: number[] = [];
  for (let y = 0; y < height; y++) {
    const f = y % 5;
    out.push(f);
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? rows[y][i - bpp] : 0, b = y > 0 ? rows[y - 1][i] : 0, c = i >= bpp && y > 0 ? rows[y - 1][i - bpp] : 0;
      const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
      const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][f];
      out.push((rows[y][i] - pred) & 0xff);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, bpp === 4 ? 6 : 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.from(out))), chunk('IEND', Buffer.alloc(0))]);
}

test('decodePng reads every filter type, RGB and RGBA', () => {
  const px = (x: number, y: number) => [(x * 37 + y * 11) & 255, (x * 5 + y * 91) & 255, (x * y * 13) & 255];
  for (const bpp of [3, 4] as const) {
    const img = decodePng(encode(7, 10, bpp, (x, y) => (bpp === 4 ? [...px(x, y), ((x + y) * 20) & 255] : px(x, y))));
    assert.equal(img.width, 7);
    assert.equal(img.height, 10);
    for (let y = 0; y < 10; y++) for (let x = 0; x < 7; x++) {
      const i = (y * 7 + x) * 4;
      assert.deepEqual([...img.data.subarray(i, i + 4)], [...px(x, y), bpp === 4 ? ((x + y) * 20) & 255 : 255], `pixel ${x},${y}`);
    }
  }
  assert.throws(() => decodePng(Buffer.from('not a png')), /not a PNG/);
});

test('WCAG contrast: hand-worked figures', () => {
  assert.ok(Math.abs(contrastRatio([0, 0, 0], [255, 255, 255]) - 21) < 1e-9);
  assert.equal(contrastRatio([10, 20, 30], [10, 20, 30]), 1);
  // #777777: channel 119/255 = 0.4667 → ((0.4667 + 0.055) / 1.055)^2.4 = 0.1845; (1.05) / (0.2345) = 4.48
  assert.ok(Math.abs(contrastRatio([119, 119, 119], [255, 255, 255]) - 4.478) < 1e-3);
  // the linear segment: 10/255 / 12.92 = 0.003035; 1.05 / 0.053035 = 19.798
  assert.ok(Math.abs(contrastRatio([10, 10, 10], [255, 255, 255]) - 19.798) < 1e-3);
});

test('boxContrast finds the glyph colour on the most common background', () => {
  const img = decodePng(encode(10, 6, 3, (x, y) => (x >= 3 && x <= 5 && y >= 1 && y <= 4 ? [119, 119, 119] : x === 6 && y === 2 ? [60, 60, 60] : [255, 255, 255])));
  const c = boxContrast(img, { x: 0, y: 0, width: 10, height: 6 });
  assert.deepEqual(c.background, [255, 255, 255]);
  assert.deepEqual(c.text, [119, 119, 119], 'one stray darker pixel does not decide');
  assert.ok(Math.abs(c.ratio - 4.478) < 1e-3);
  assert.equal(boxContrast(img, { x: 0, y: 0, width: 2, height: 6 }).textPixels, 0, 'a box of background only');
});
