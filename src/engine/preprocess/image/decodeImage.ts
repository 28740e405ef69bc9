import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { openFailure } from '../../../util/readBounded';
import { decodeBmp } from './decodeBmp';
import { decodeJpeg } from './decodeJpeg';
import { decodePng } from './decodePng';
import { ImageError, ImageNeedsWebviewError } from './imageErrors';
import { checkPixels, readImageHeader, type ImageFormat } from './imageHeader';
import type { RgbImage } from './rgbImage';

/** Largest image file read (a 40 MP PNG of noise is ~120 MB). */
export const MAX_IMAGE_FILE_BYTES = 256 * 2 ** 20;

export interface DecodedImage extends RgbImage {
  format: ImageFormat;
}

/** Reads an image file and decodes it to RGB, refusing huge ones from their header first. */
export function decodeImageFile(file: string): DecodedImage {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw new ImageError(`${openFailure(file, error)}.`);
  }
  let bytes: Buffer;
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new ImageError(`${file} is not a regular file.`);
    if (stat.size === 0) throw new ImageError(`${basename(file)} is empty (0 bytes).`);
    if (stat.size > MAX_IMAGE_FILE_BYTES) throw new ImageError(`${basename(file)} is ${(stat.size / 2 ** 20).toFixed(0)} MB, above the ${MAX_IMAGE_FILE_BYTES / 2 ** 20} MB limit for images.`);
    bytes = Buffer.alloc(stat.size);
    let at = 0;
    while (at < bytes.length) {
      const n = readSync(fd, bytes, at, bytes.length - at, at);
      if (n === 0) break;
      at += n;
    }
  } finally {
    closeSync(fd);
  }
  return decodeImageBytes(bytes, file);
}

export function decodeImageBytes(bytes: Uint8Array, file: string): DecodedImage {
  const header = readImageHeader(bytes, file);
  const decoded = decodeByFormat(header.format, bytes, file);
  checkPixels(decoded, basename(file));
  return { ...decoded, format: header.format };
}

function decodeByFormat(format: ImageFormat, bytes: Uint8Array, file: string): RgbImage {
  switch (format) {
    case 'png':
      return decodePng(bytes, file);
    case 'jpeg':
      return decodeJpeg(bytes, file);
    case 'bmp':
      return decodeBmp(bytes, file);
    default:
      throw new ImageNeedsWebviewError(
        `${basename(file)} is ${format === 'gif' ? 'a GIF' : 'a WebP'} image: the engine decodes PNG, JPEG and BMP itself; the editor's Inspect Image decodes ${format.toUpperCase()} in its panel, or convert it to PNG for the CLI.`,
      );
  }
}
