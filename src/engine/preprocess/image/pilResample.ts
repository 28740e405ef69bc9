import type { RgbImage } from './rgbImage';

/**
 * PIL's `Image.resize` for 8-bit images, ported from Pillow's libImaging/Resample.c
 * (ImagingResample: precompute_coeffs, normalize_coeffs_8bpc, ImagingResampleHorizontal_8bpc /
 * Vertical_8bpc). No npm library reproduces PIL: canvas, sharp and jimp use other kernels, other
 * support widths and float rounding, and an image model's preprocessing must be the one it was
 * trained with. The algorithm is a separable convolution, horizontal pass first (rounded to uint8),
 * then vertical; when downscaling, the kernel's support is widened by the scale factor (this is
 * PIL's antialias). Coefficients are fixed point with 22 fractional bits and rounded half up,
 * exactly as in C, so the output equals PIL's pixel for pixel (test/unit/pilResample.test.ts).
 * Resampling codes are PIL's: 0 nearest, 1 lanczos, 2 bilinear, 3 bicubic, 4 box, 5 hamming.
 */

interface Filter {
  support: number;
  fn: (x: number) => number;
}

const sinc = (x: number): number => {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
};

const FILTERS: Record<number, Filter> = {
  1: { support: 3, fn: (x) => (x > -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
  2: { support: 1, fn: (x) => { const a = Math.abs(x); return a < 1 ? 1 - a : 0; } },
  3: {
    support: 2,
    fn: (x) => {
      const a = -0.5;
      const v = Math.abs(x);
      if (v < 1) return ((a + 2) * v - (a + 3)) * v * v + 1;
      if (v < 2) return (((v - 5) * v + 8) * v - 4) * a;
      return 0;
    },
  },
  4: { support: 0.5, fn: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0) },
  5: {
    support: 1,
    fn: (x) => {
      const v = Math.abs(x);
      if (v === 0) return 1;
      if (v >= 1) return 0;
      const px = v * Math.PI;
      // C's float literals 0.54f and 0.46f
      return (Math.sin(px) / px) * (Math.fround(0.54) + Math.fround(0.46) * Math.cos(px));
    },
  },
};

export const RESAMPLE_NAMES: Record<number, string> = { 0: 'nearest', 1: 'lanczos', 2: 'bilinear', 3: 'bicubic', 4: 'box', 5: 'hamming' };

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 2 ** PRECISION_BITS;

interface Coeffs {
  ksize: number;
  /** [out, 2]: first input index and count of taps */
  bounds: Int32Array;
  /** [out, ksize] fixed-point weights */
  kk: Int32Array;
}

/** precompute_coeffs + normalize_coeffs_8bpc: C's (int) casts truncate toward zero, as Math.trunc. */
function coefficients(inSize: number, outSize: number, filter: Filter): Coeffs {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = filter.support * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const kk = new Int32Array(outSize * ksize);
  const w = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      w[x] = filter.fn((x + xmin - center + 0.5) * ss);
      ww += w[x];
    }
    for (let x = 0; x < xmax; x++) {
      const k = ww !== 0 ? w[x] / ww : w[x];
      kk[xx * ksize + x] = k < 0 ? Math.trunc(-0.5 + k * ONE) : Math.trunc(0.5 + k * ONE);
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, kk };
}

const clip8 = (ss: number): number => {
  if (ss >= ONE * 256) return 255;
  if (ss <= 0) return 0;
  return Math.floor(ss / ONE);
};

/** Resizes RGB (channels = 3) or any interleaved uint8 pixels to width × height with PIL's filter `resample`. */
export function pilResize(image: RgbImage, width: number, height: number, resample: number, channels = 3): RgbImage {
  if (width === image.width && height === image.height) return image;
  if (resample === 0) return nearest(image, width, height, channels);
  const filter = FILTERS[resample];
  if (!filter) throw new Error(`unknown PIL resampling filter ${resample}`);
  const src = image.data;
  const horiz = coefficients(image.width, width, filter);
  const vert = coefficients(image.height, height, filter);
  const needH = width !== image.width;
  const needV = height !== image.height;
  // rows the vertical pass reads: the horizontal pass computes only those
  const first = vert.bounds[0];
  const last = vert.bounds[height * 2 - 2] + vert.bounds[height * 2 - 1];
  let mid = src;
  let midRows = image.height;
  let rowShift = 0;
  if (needH) {
    const rows = needV ? last - first : image.height;
    const y0 = needV ? first : 0;
    mid = new Uint8Array(rows * width * channels); // [rows, width, c]
    for (let y = 0; y < rows; y++) {
      const inRow = (y + y0) * image.width * channels;
      for (let xx = 0; xx < width; xx++) {
        const xmin = horiz.bounds[xx * 2];
        const xmax = horiz.bounds[xx * 2 + 1];
        const k = xx * horiz.ksize;
        for (let c = 0; c < channels; c++) {
          let ss = ONE / 2;
          for (let x = 0; x < xmax; x++) ss += src[inRow + (x + xmin) * channels + c] * horiz.kk[k + x];
          mid[(y * width + xx) * channels + c] = clip8(ss);
        }
      }
    }
    midRows = rows;
    rowShift = y0;
  }
  if (!needV) return { width, height: midRows, data: mid };
  const out = new Uint8Array(width * height * channels);
  for (let yy = 0; yy < height; yy++) {
    const ymin = vert.bounds[yy * 2] - rowShift;
    const ymax = vert.bounds[yy * 2 + 1];
    const k = yy * vert.ksize;
    for (let xx = 0; xx < width; xx++) {
      for (let c = 0; c < channels; c++) {
        let ss = ONE / 2;
        for (let y = 0; y < ymax; y++) ss += mid[((y + ymin) * width + xx) * channels + c] * vert.kk[k + y];
        out[(yy * width + xx) * channels + c] = clip8(ss);
      }
    }
  }
  return { width, height, data: out };
}

/** PIL's NEAREST resize (an affine transform sampling each output pixel's centre). */
function nearest(image: RgbImage, width: number, height: number, channels: number): RgbImage {
  const out = new Uint8Array(width * height * channels);
  const sx = image.width / width;
  const sy = image.height / height;
  for (let y = 0; y < height; y++) {
    const iy = Math.min(Math.trunc((y + 0.5) * sy), image.height - 1);
    for (let x = 0; x < width; x++) {
      const ix = Math.min(Math.trunc((x + 0.5) * sx), image.width - 1);
      for (let c = 0; c < channels; c++) out[(y * width + x) * channels + c] = image.data[(iy * image.width + ix) * channels + c];
    }
  }
  return { width, height, data: out };
}
