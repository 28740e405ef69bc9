/**
 * libjpeg's "islow" inverse DCT (jidctint.c: Loeffler–Ligtenberg–Moschytz with 13-bit
 * constants, 2 extra bits between passes), the method Pillow decodes with. Ported operation for
 * operation, so each sample equals libjpeg-turbo's (its SIMD versions are bit-exact with this C).
 */
const CONST_BITS = 13;
const PASS1_BITS = 2;
const FIX_0_298631336 = 2446;
const FIX_0_390180644 = 3196;
const FIX_0_541196100 = 4433;
const FIX_0_765366865 = 6270;
const FIX_0_899976223 = 7373;
const FIX_1_175875602 = 9633;
const FIX_1_501321110 = 12299;
const FIX_1_847759065 = 15137;
const FIX_1_961570560 = 16069;
const FIX_2_053119869 = 16819;
const FIX_2_562915447 = 20995;
const FIX_3_072711026 = 25172;

/**
 * libjpeg's post-IDCT range limit (jdmaster.c prepare_range_limit_table): the output is taken
 * `& 1023`, values in [-512, 511] clamp to [0, 255] after the +128 level shift and wilder ones
 * wrap as libjpeg's table does.
 */
const RANGE_LIMIT = (() => {
  const t = new Uint8Array(1024);
  for (let x = 0; x < 1024; x++) t[x] = x < 128 ? x + 128 : x < 512 ? 255 : x < 896 ? 0 : x - 896;
  return t;
})();

const workspace = new Int32Array(64);

/** Dequantises and inverse-transforms the block at coefs[at..at+64) into out (row stride `stride`) at outAt. */
export function idctIslow(coefs: Int16Array, at: number, quant: Uint16Array, out: Uint8Array, outAt: number, stride: number): void {
  const ws = workspace;
  const d1 = CONST_BITS - PASS1_BITS;
  const r1 = 1 << (d1 - 1);
  for (let col = 0; col < 8; col++) {
    const c = at + col;
    if (coefs[c + 8] === 0 && coefs[c + 16] === 0 && coefs[c + 24] === 0 && coefs[c + 32] === 0 && coefs[c + 40] === 0 && coefs[c + 48] === 0 && coefs[c + 56] === 0) {
      const dc = (coefs[c] * quant[col]) << PASS1_BITS;
      for (let row = 0; row < 64; row += 8) ws[row + col] = dc;
      continue;
    }
    let z2 = coefs[c + 16] * quant[col + 16];
    let z3 = coefs[c + 48] * quant[col + 48];
    let z1 = (z2 + z3) * FIX_0_541196100;
    let tmp2 = z1 + z3 * -FIX_1_847759065;
    let tmp3 = z1 + z2 * FIX_0_765366865;
    z2 = coefs[c] * quant[col];
    z3 = coefs[c + 32] * quant[col + 32];
    let tmp0 = (z2 + z3) << CONST_BITS;
    let tmp1 = (z2 - z3) << CONST_BITS;
    const tmp10 = tmp0 + tmp3;
    const tmp13 = tmp0 - tmp3;
    const tmp11 = tmp1 + tmp2;
    const tmp12 = tmp1 - tmp2;
    tmp0 = coefs[c + 56] * quant[col + 56];
    tmp1 = coefs[c + 40] * quant[col + 40];
    tmp2 = coefs[c + 24] * quant[col + 24];
    tmp3 = coefs[c + 8] * quant[col + 8];
    z1 = tmp0 + tmp3;
    z2 = tmp1 + tmp2;
    z3 = tmp0 + tmp2;
    let z4 = tmp1 + tmp3;
    const z5 = (z3 + z4) * FIX_1_175875602;
    tmp0 *= FIX_0_298631336;
    tmp1 *= FIX_2_053119869;
    tmp2 *= FIX_3_072711026;
    tmp3 *= FIX_1_501321110;
    z1 *= -FIX_0_899976223;
    z2 *= -FIX_2_562915447;
    z3 = z3 * -FIX_1_961570560 + z5;
    z4 = z4 * -FIX_0_390180644 + z5;
    tmp0 += z1 + z3;
    tmp1 += z2 + z4;
    tmp2 += z2 + z3;
    tmp3 += z1 + z4;
    ws[col] = (tmp10 + tmp3 + r1) >> d1;
    ws[col + 56] = (tmp10 - tmp3 + r1) >> d1;
    ws[col + 8] = (tmp11 + tmp2 + r1) >> d1;
    ws[col + 48] = (tmp11 - tmp2 + r1) >> d1;
    ws[col + 16] = (tmp12 + tmp1 + r1) >> d1;
    ws[col + 40] = (tmp12 - tmp1 + r1) >> d1;
    ws[col + 24] = (tmp13 + tmp0 + r1) >> d1;
    ws[col + 32] = (tmp13 - tmp0 + r1) >> d1;
  }
  const d2 = CONST_BITS + PASS1_BITS + 3;
  const r2 = 1 << (d2 - 1);
  for (let row = 0; row < 8; row++) {
    const w = row * 8;
    const o = outAt + row * stride;
    let z2 = ws[w + 2];
    let z3 = ws[w + 6];
    let z1 = (z2 + z3) * FIX_0_541196100;
    let tmp2 = z1 + z3 * -FIX_1_847759065;
    let tmp3 = z1 + z2 * FIX_0_765366865;
    let tmp0 = (ws[w] + ws[w + 4]) << CONST_BITS;
    let tmp1 = (ws[w] - ws[w + 4]) << CONST_BITS;
    const tmp10 = tmp0 + tmp3;
    const tmp13 = tmp0 - tmp3;
    const tmp11 = tmp1 + tmp2;
    const tmp12 = tmp1 - tmp2;
    tmp0 = ws[w + 7];
    tmp1 = ws[w + 5];
    tmp2 = ws[w + 3];
    tmp3 = ws[w + 1];
    z1 = tmp0 + tmp3;
    z2 = tmp1 + tmp2;
    z3 = tmp0 + tmp2;
    let z4 = tmp1 + tmp3;
    const z5 = (z3 + z4) * FIX_1_175875602;
    tmp0 *= FIX_0_298631336;
    tmp1 *= FIX_2_053119869;
    tmp2 *= FIX_3_072711026;
    tmp3 *= FIX_1_501321110;
    z1 *= -FIX_0_899976223;
    z2 *= -FIX_2_562915447;
    z3 = z3 * -FIX_1_961570560 + z5;
    z4 = z4 * -FIX_0_390180644 + z5;
    tmp0 += z1 + z3;
    tmp1 += z2 + z4;
    tmp2 += z2 + z3;
    tmp3 += z1 + z4;
    out[o] = RANGE_LIMIT[((tmp10 + tmp3 + r2) >> d2) & 1023];
    out[o + 7] = RANGE_LIMIT[((tmp10 - tmp3 + r2) >> d2) & 1023];
    out[o + 1] = RANGE_LIMIT[((tmp11 + tmp2 + r2) >> d2) & 1023];
    out[o + 6] = RANGE_LIMIT[((tmp11 - tmp2 + r2) >> d2) & 1023];
    out[o + 2] = RANGE_LIMIT[((tmp12 + tmp1 + r2) >> d2) & 1023];
    out[o + 5] = RANGE_LIMIT[((tmp12 - tmp1 + r2) >> d2) & 1023];
    out[o + 3] = RANGE_LIMIT[((tmp13 + tmp0 + r2) >> d2) & 1023];
    out[o + 4] = RANGE_LIMIT[((tmp13 - tmp0 + r2) >> d2) & 1023];
  }
}
