import { basename } from 'node:path';
import { PNG } from 'pngjs';
import { ImageError } from './imageErrors';
import { applyOrientation, pngExifOrientation } from './exifOrientation';
import type { RgbImage } from './rgbImage';

/**
 * PNG → RGB as PIL opens it and `convert("RGB")` converts it (what transformers' `load_image`
 * does before any image processor): palettes looked up, alpha and tRNS dropped (not composited),
 * 1/2/4-bit greys scaled to 0-255. 16-bit files follow PIL's modes: greyscale opens as "I;16" and
 * converts by clipping at 255 (so most 16-bit greys come out white, exactly as in PIL); RGB, RGBA
 * and grey+alpha keep each sample's high byte. pngjs would scale 16 bits by 255/65535 instead, so
 * those are read unscaled and converted here. Then turned upright by its EXIF orientation (eXIf
 * chunk), as load_image's exif_transpose does.
 */
export function decodePng(bytes: Uint8Array, file: string): RgbImage {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const depth = buf[24];
  const colorType = buf[25];
  let png: PNG;
  try {
    png = PNG.sync.read(buf, { skipRescale: depth === 16 });
  } catch (error) {
    const reason = (error as Error).message;
    // pngjs's words for a file that ends early are about its streams, not the file
    const why = /finished stream|ran out of data|unexpected end|incomplete/i.test(reason) ? 'the file ends before its image data does' : reason;
    throw new ImageError(`${basename(file)} is truncated or corrupt: the PNG decoder stopped (${why}).`);
  }
  const { width, height } = png;
  const n = width * height;
  const out = new Uint8Array(n * 3);
  const src = png.data as unknown as ArrayLike<number>; // [height, width, 4], uint8 or (16-bit) uint16
  const greyClip = depth === 16 && (colorType === 0);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      const v = src[i * 4 + c];
      out[i * 3 + c] = depth !== 16 ? v : greyClip ? Math.min(v, 255) : v >> 8;
    }
  }
  return applyOrientation(out, width, height, pngExifOrientation(buf));
}
