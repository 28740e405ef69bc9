import { basename } from 'node:path';
import { decode } from 'jpeg-js';
import { ImageError } from './imageErrors';
import { applyOrientation, jpegExifOrientation } from './exifOrientation';
import { MAX_IMAGE_PIXELS } from './imageHeader';
import { rgbaToRgb, type RgbImage } from './rgbImage';

/**
 * Baseline and progressive JPEG (jpeg-js) → RGB, turned upright by its EXIF orientation as
 * transformers' load_image does. jpeg-js's IDCT and chroma upsampling are not libjpeg-turbo's
 * (which PIL uses), so decoded pixels may differ from PIL's by a few levels; the resize after it is exact.
 */
export function decodeJpeg(bytes: Uint8Array, file: string): RgbImage {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let raw: { width: number; height: number; data: Uint8Array };
  try {
    raw = decode(buf, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6, maxMemoryUsageInMB: 1024 });
  } catch (error) {
    throw new ImageError(`${basename(file)} is truncated or corrupt: the JPEG decoder stopped (${(error as Error).message}).`);
  }
  const rgb = rgbaToRgb(raw.data, raw.width, raw.height);
  const upright = applyOrientation(rgb.data, rgb.width, rgb.height, jpegExifOrientation(buf));
  return upright;
}
