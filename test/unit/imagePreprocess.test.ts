// Image decoding and preprocessing against Pillow/numpy (models/train/image_references.py):
// decoded RGB equals PIL's load_image (PNG, BMP and JPEG exactly; more JPEG layouts in
// jpegDecode.test.ts), PIL's resize is reproduced pixel for pixel from the same RGB (every filter), and
// pixel_values equal transformers' preprocess (ViT, CLIP-like, DeiT-like configs) within 1e-6.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImageFile } from '../../src/engine/preprocess/image/decodeImage';
import { pilResize, RESAMPLE_NAMES } from '../../src/engine/preprocess/image/pilResample';
import { parseImageProcessor, toPixelValues } from '../../src/engine/preprocess/image/imageProcessor';

const DIR = join(__dirname, '..', 'fixtures', 'images');
interface Ref {
  specs: Record<string, Record<string, unknown>>;
  images: {
    file: string; mode: string; width: number; height: number; rgb: string;
    resized: { width: number; height: number; resample: number; data: string }[];
    pixel_values: Record<string, { shape: number[]; data: string }>;
  }[];
}
const ref = JSON.parse(readFileSync(join(DIR, 'reference.json'), 'utf8')) as Ref;
const bytes = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));
const floats = (b64: string): Float32Array => { const b = Buffer.from(b64, 'base64'); return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length)); };
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => { let m = 0; for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i])); return m; };
for (const img of ref.images) {
  test(`decode ${img.file} (${img.mode}) as PIL's load_image`, () => {
    const got = decodeImageFile(join(DIR, img.file));
    assert.deepEqual([got.width, got.height], [img.width, img.height], 'size after EXIF orientation');
    const want = bytes(img.rgb);
    assert.equal(got.data.length, want.length);
    const d = maxDiff(got.data, want);
    assert.equal(d, 0, `${img.file}: decoded RGB differs from PIL by ${d}`);
  });

  test(`PIL resize of ${img.file}: every filter, pixel for pixel`, () => {
    const rgb = { width: img.width, height: img.height, data: bytes(img.rgb) };
    for (const r of img.resized) {
      const got = pilResize(rgb, r.width, r.height, r.resample);
      const d = maxDiff(got.data, bytes(r.data));
      assert.ok(d <= 1, `${RESAMPLE_NAMES[r.resample]} to ${r.width}x${r.height}: ${d} levels off`);
      if (r.resample !== 0) assert.equal(d, 0, `${RESAMPLE_NAMES[r.resample]} to ${r.width}x${r.height}: not equal to PIL`);
    }
  });

  test(`pixel_values of ${img.file} as transformers' processors`, () => {
    for (const [key, spec] of Object.entries(ref.specs)) {
      const want = img.pixel_values[key];
      const rgb = { width: img.width, height: img.height, data: bytes(img.rgb) };
      const got = toPixelValues(rgb, parseImageProcessor(spec, key));
      assert.deepEqual([1, 3, got.height, got.width].slice(1), want.shape, `${key} shape`);
      const d = maxDiff(got.data, floats(want.data));
      assert.ok(d <= 1e-6, `${key}: max diff ${d}`);
    }
  });
}

test('the glyph ViT sample PNGs preprocess to the reference inputs PyTorch ran (within 1e-6)', () => {
  const model = join(__dirname, '..', '..', 'models', 'tensorloupe-glyph-vit');
  const glyphRef = JSON.parse(readFileSync(join(model, 'reference.json'), 'utf8')) as { inputs: { data: number[]; source: string }[] };
  const spec = parseImageProcessor(JSON.parse(readFileSync(join(model, 'preprocessor_config.json'), 'utf8')) as Record<string, unknown>, 'glyph');
  for (const input of glyphRef.inputs) {
    const file = /samples\/(\S+\.png)/.exec(input.source)?.[1];
    assert.ok(file, input.source);
    const got = toPixelValues(decodeImageFile(join(model, 'samples', file)), spec);
    assert.ok(maxDiff(got.data, input.data) <= 1e-6, file);
  }
});
