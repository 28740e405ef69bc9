/**
 * Colour conversion of decoded JPEG planes to RGB as Pillow gets it: libjpeg's YCbCr → RGB
 * fixed-point tables (jdcolor.c, 16-bit scaled, rounded), and for 4-component files libjpeg's
 * YCCK → CMYK then Pillow's inverted-CMYK ("CMYK;I", Adobe's convention) → RGB (Convert.c cmyk2rgb).
 */
const SCALEBITS = 16;
const ONE_HALF = 1 << (SCALEBITS - 1);
const fix = (x: number): number => Math.floor(x * (1 << SCALEBITS) + 0.5);

const CR_R = new Int32Array(256);
const CB_B = new Int32Array(256);
const CR_G = new Int32Array(256);
const CB_G = new Int32Array(256);
for (let i = 0, x = -128; i < 256; i++, x++) {
  CR_R[i] = (fix(1.402) * x + ONE_HALF) >> SCALEBITS;
  CB_B[i] = (fix(1.772) * x + ONE_HALF) >> SCALEBITS;
  CR_G[i] = -fix(0.71414) * x;
  CB_G[i] = -fix(0.34414) * x + ONE_HALF;
}

const clamp = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : v);

/** [n] planes → [n, 3] RGB; `ycc` false for files coded in RGB (Adobe transform 0, or ids 'R','G','B'). */
export function toRgb(planes: Uint8Array[], n: number, colorTransform: boolean): Uint8Array {
  const out = new Uint8Array(n * 3);
  if (planes.length === 1) {
    const g = planes[0];
    for (let i = 0; i < n; i++) out[i * 3] = out[i * 3 + 1] = out[i * 3 + 2] = g[i];
    return out;
  }
  if (planes.length === 3) {
    const [p0, p1, p2] = planes;
    for (let i = 0; i < n; i++) {
      const o = i * 3;
      if (!colorTransform) {
        out[o] = p0[i];
        out[o + 1] = p1[i];
        out[o + 2] = p2[i];
        continue;
      }
      const y = p0[i];
      const cb = p1[i];
      const cr = p2[i];
      out[o] = clamp(y + CR_R[cr]);
      out[o + 1] = clamp(y + ((CB_G[cb] + CR_G[cr]) >> SCALEBITS));
      out[o + 2] = clamp(y + CB_B[cb]);
    }
    return out;
  }
  const [p0, p1, p2, p3] = planes;
  for (let i = 0; i < n; i++) {
    let c = p0[i];
    let m = p1[i];
    let ye = p2[i];
    if (colorTransform) {
      // YCCK → CMYK (jdcolor.c ycck_cmyk_convert)
      const y = p0[i];
      c = clamp(255 - (y + CR_R[p2[i]]));
      m = clamp(255 - (y + ((CB_G[p1[i]] + CR_G[p2[i]]) >> SCALEBITS)));
      ye = clamp(255 - (y + CB_B[p1[i]]));
    }
    // Pillow reads the stored CMYK inverted, then cmyk2rgb: nk = 255 - k; out = nk - nk·c/255
    const k = 255 - p3[i];
    const nk = 255 - k;
    const o = i * 3;
    out[o] = clamp(nk - muldiv255(255 - c, nk));
    out[o + 1] = clamp(nk - muldiv255(255 - m, nk));
    out[o + 2] = clamp(nk - muldiv255(255 - ye, nk));
  }
  return out;
}

/** Pillow's MULDIV255: a·b/255 rounded, in integers. */
function muldiv255(a: number, b: number): number {
  const t = a * b + 128;
  return ((t >> 8) + t) >> 8;
}
