import { decodeImageFile } from '../../preprocess/image/decodeImage';
import { checkPixels } from '../../preprocess/image/imageHeader';
import { ImageError } from '../../preprocess/image/imageErrors';
import { rgbaToRgb, type RgbImage } from '../../preprocess/image/rgbImage';
import { basename } from 'node:path';
import type { ImageSource } from '../../../protocol/vision';

/** The RGB image of a request: the file decoded here, or the RGBA pixels the panel decoded (WebP, GIF). */
export function imageOf(source: ImageSource): RgbImage {
  const p = source.pixels;
  if (!p) return decodeImageFile(source.file);
  checkPixels(p, basename(source.file));
  if (p.rgba.length !== p.width * p.height * 4) throw new ImageError(`${basename(source.file)}: the decoded pixels are ${p.rgba.length} bytes, not ${p.width} × ${p.height} × 4.`);
  return rgbaToRgb(p.rgba, p.width, p.height);
}
