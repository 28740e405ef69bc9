/**
 * Chroma upsampling as libjpeg-turbo's jdsample.c does by default (do_fancy_upsampling, what
 * Pillow decodes with): a triangle filter (3/4 nearer sample + 1/4 further one, with its
 * alternating rounding biases) for 2:1 horizontal (h2v1), 2:1 vertical (h1v2) and both (h2v2),
 * edge samples repeated as libjpeg's context rows do; plain repetition for other integer ratios
 * and for planes 2 or fewer samples wide (libjpeg falls back to h2v1/h2v2_upsample there).
 */

export interface Plane {
  data: Uint8Array;
  stride: number;
  /** samples carrying data (libjpeg's downsampled_width / downsampled_height) */
  width: number;
  height: number;
}

/** Upsamples a component plane by (hr, vr) to width × height output samples. */
export function upsample(p: Plane, hr: number, vr: number, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const fancyH = hr === 2 && p.width > 2;
  if (hr === 1 && vr === 1) {
    for (let y = 0; y < height; y++) out.set(p.data.subarray(y * p.stride, y * p.stride + width), y * width);
  } else if (hr === 2 && vr === 2 && fancyH) {
    h2v2Fancy(p, out, width, height);
  } else if (hr === 2 && vr === 1 && fancyH) {
    h2v1Fancy(p, out, width, height);
  } else if (hr === 1 && vr === 2) {
    h1v2Fancy(p, out, width, height);
  } else {
    for (let y = 0; y < height; y++) {
      const row = ((y / vr) | 0) * p.stride;
      for (let x = 0; x < width; x++) out[y * width + x] = p.data[row + ((x / hr) | 0)];
    }
  }
  return out;
}

function h2v1Fancy(p: Plane, out: Uint8Array, width: number, height: number): void {
  const last = p.width - 1;
  for (let y = 0; y < height; y++) {
    const row = y * p.stride;
    const o = y * width;
    for (let ix = 0; ix <= last; ix++) {
      const here = p.data[row + ix] * 3;
      const before = p.data[row + (ix === 0 ? 0 : ix - 1)];
      const after = p.data[row + (ix === last ? last : ix + 1)];
      const x = ix * 2;
      if (x < width) out[o + x] = (here + before + 1) >> 2;
      if (x + 1 < width) out[o + x + 1] = (here + after + 2) >> 2;
    }
  }
}

/** Row nearer and row further for output row y of a 2:1 vertical ratio (edges repeated). */
function rowPair(p: Plane, y: number): [number, number] {
  const iy = y >> 1;
  const other = y & 1 ? Math.min(iy + 1, p.height - 1) : Math.max(iy - 1, 0);
  return [iy * p.stride, other * p.stride];
}

function h1v2Fancy(p: Plane, out: Uint8Array, width: number, height: number): void {
  for (let y = 0; y < height; y++) {
    const [near, far] = rowPair(p, y);
    const bias = y & 1 ? 2 : 1;
    const o = y * width;
    for (let x = 0; x < width; x++) out[o + x] = (p.data[near + x] * 3 + p.data[far + x] + bias) >> 2;
  }
}

function h2v2Fancy(p: Plane, out: Uint8Array, width: number, height: number): void {
  const last = p.width - 1;
  const sums = new Int32Array(p.width);
  for (let y = 0; y < height; y++) {
    const [near, far] = rowPair(p, y);
    for (let ix = 0; ix <= last; ix++) sums[ix] = p.data[near + ix] * 3 + p.data[far + ix];
    const o = y * width;
    for (let ix = 0; ix <= last; ix++) {
      const here = sums[ix] * 3;
      const x = ix * 2;
      if (x < width) out[o + x] = (here + sums[ix === 0 ? 0 : ix - 1] + 8) >> 4;
      if (x + 1 < width) out[o + x + 1] = (here + sums[ix === last ? last : ix + 1] + 7) >> 4;
    }
  }
}
