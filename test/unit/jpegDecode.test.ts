// JPEG decoding and EXIF orientation against Pillow (models/train/jpeg_references.py): decoded
// RGB equals what transformers' load_image gets from Pillow/libjpeg-turbo (exif_transpose, then
// convert("RGB")) — baseline 4:4:4/4:2:2/4:2:0/4:4:0/4:1:1, progressive, greyscale, CMYK,
// RGB-coded, restart markers, odd and tiny sizes, EXIF orientations 1-8 in JPEG and PNG — and
// PIL's resize of it equals Pillow's on top. The bar is one uint8 level; these are exact.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImageBytes, decodeImageFile } from '../../src/engine/preprocess/image/decodeImage';
import { pilResize, RESAMPLE_NAMES } from '../../src/engine/preprocess/image/pilResample';

const DIR = join(__dirname, '..', 'fixtures', 'images', 'jpeg');
interface Ref {
  images: { file: string; width: number; height: number; rgb: string; resized: { width: number; height: number; resample: number; data: string }[] }[];
}
const ref = JSON.parse(readFileSync(join(DIR, 'reference.json'), 'utf8')) as Ref;
const bytes = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

for (const img of ref.images) {
  test(`${img.file}: decoded and resized pixels equal Pillow's`, () => {
    const got = decodeImageFile(join(DIR, img.file));
    assert.deepEqual([got.width, got.height], [img.width, img.height], 'size after EXIF orientation');
    const d = maxDiff(got.data, bytes(img.rgb));
    assert.ok(d <= 1, `decoded RGB is ${d} levels off Pillow`);
    for (const r of img.resized) {
      const resized = pilResize(got, r.width, r.height, r.resample);
      const dr = maxDiff(resized.data, bytes(r.data));
      assert.ok(dr <= 1, `${RESAMPLE_NAMES[r.resample]} to ${r.width}x${r.height}: ${dr} levels off`);
    }
  });
}

test('broken JPEGs give one line naming the file, never a hang or a partial image', () => {
  const good = readFileSync(join(DIR, 'q75_420_45x27.jpg'));
  const progressive = readFileSync(join(DIR, 'progressive_420_45x27.jpg'));
  const sos = good.indexOf(Buffer.from([0xff, 0xda]));
  const lastSos = progressive.lastIndexOf(Buffer.from([0xff, 0xda]));
  const firstSos = progressive.indexOf(Buffer.from([0xff, 0xda]));
  const secondSos = progressive.indexOf(Buffer.from([0xff, 0xda]), firstSos + 2);
  const marked = Buffer.from(good);
  marked[sos + 40] = 0xff; // a marker where entropy data should go on: the data runs out
  marked[sos + 41] = 0xd3;
  const cases: [string, Buffer, RegExp][] = [
    ['cut inside the scan', good.subarray(0, sos + 80), /cut\.jpg is truncated or corrupt: scan 1: /],
    ['cut inside a header', good.subarray(0, 30), /cut\.jpg is truncated or corrupt: /],
    ['no end-of-image marker after the last progressive scan', progressive.subarray(0, progressive.length - 2), /cut\.jpg is truncated or corrupt: .*end-of-image/],
    ['cut before its last progressive scan', progressive.subarray(0, lastSos), /cut\.jpg is truncated or corrupt: /],
    ['a marker inside the entropy data', marked, /cut\.jpg is truncated or corrupt: scan 1: /],
    // the DC-first scan (it sets, not refines, so it decodes the same each time) repeated
    ['a thousand and one scans (a crafted file that would keep the engine busy)', Buffer.concat([progressive.subarray(0, firstSos), ...Array.from({ length: 1001 }, () => progressive.subarray(firstSos, secondSos)), progressive.subarray(secondSos)]), /cut\.jpg is truncated or corrupt: it has more than 1000 scans/],
    ['arithmetic coding (cjpeg -arithmetic)', readFileSync(join(DIR, 'arithmetic_9x7.jpg.bad')), /^cut\.jpg is an arithmetic-coded JPEG \(SOF9\); /],
  ];
  for (const [what, data, message] of cases) {
    assert.throws(() => decodeImageBytes(data, '/somewhere/cut.jpg'), (e: Error) => {
      assert.match(e.message, message, what);
      assert.ok(!e.message.includes('\n'), `${what}: one line`);
      return true;
    }, what);
  }
});

test('EXIF that is not TIFF, or a cut-off IFD, leaves the image as stored (as Pillow 9.4 does)', () => {
  for (const file of ['exif_garbage_35x21.jpg', 'exif_truncated_ifd_35x21.jpg']) {
    const got = decodeImageFile(join(DIR, file));
    assert.deepEqual([got.width, got.height], [35, 21], file);
  }
});
