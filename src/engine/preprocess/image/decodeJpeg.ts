import { basename } from 'node:path';
import { ImageError } from './imageErrors';
import { applyOrientation, jpegExifOrientation } from './exifOrientation';
import { decodeJpegPixels, JpegDataError } from './jpeg/jpegDecoder';
import type { RgbImage } from './rgbImage';

/**
 * Baseline and progressive JPEG → RGB with Pillow's pixels (jpeg/jpegDecoder.ts ports
 * libjpeg-turbo's islow IDCT, fancy chroma upsampling and colour tables), turned upright by its
 * EXIF orientation as transformers' load_image does. The pixel limit was checked from the
 * header before this runs.
 */
export function decodeJpeg(bytes: Uint8Array, file: string): RgbImage {
  let pixels;
  try {
    pixels = decodeJpegPixels(bytes);
  } catch (error) {
    if (error instanceof JpegDataError) throw new ImageError(error.unsupported ? `${basename(file)} ${error.message}.` : `${basename(file)} is truncated or corrupt: ${error.message}.`);
    throw error;
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return applyOrientation(pixels.rgb, pixels.width, pixels.height, jpegExifOrientation(buf));
}
