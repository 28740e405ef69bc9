// float16 → float32, the conversion every float16 model's logits go through, on bit patterns
// worked out by hand from IEEE 754 binary16 (1 sign, 5 exponent bits with bias 15, 10 fraction bits).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { float16ToFloat32, halfToFloat } from '../../src/util/float16';

test('normal, subnormal and special half-precision values', () => {
  const cases: [number, number][] = [
    [0x3c00, 1], // exponent 15 → 2^0
    [0xc000, -2], // sign, exponent 16
    [0x3555, (1 + 0x155 / 1024) / 4], // 0.333251953125, the float16 nearest 1/3
    [0x7bff, 65504], // largest finite: (2 − 2^−10) · 2^15
    [0x0400, 2 ** -14], // smallest normal
    [0x03ff, 1023 * 2 ** -24], // largest subnormal
    [0x0001, 2 ** -24], // smallest subnormal
    [0x0000, 0],
    [0x7c00, Infinity],
    [0xfc00, -Infinity],
  ];
  for (const [bits, value] of cases) assert.equal(halfToFloat(bits), value, `0x${bits.toString(16)}`);
  assert.ok(Object.is(halfToFloat(0x8000), -0), 'negative zero keeps its sign');
  assert.ok(Number.isNaN(halfToFloat(0x7e00)) && Number.isNaN(halfToFloat(0xfc01)));
});

test('a logits row converts element by element, in order', () => {
  const out = float16ToFloat32(Uint16Array.from([0x3c00, 0xc000, 0x3800, 0x4248]));
  assert.ok(out instanceof Float32Array);
  assert.deepEqual(Array.from(out), [1, -2, 0.5, 3.140625]);
});
