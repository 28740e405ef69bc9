import { basename } from 'node:path';
import { ImageError } from './imageErrors';

export type ImageFormat = 'png' | 'jpeg' | 'bmp' | 'gif' | 'webp';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
}

/**
 * Largest image decoded: 40 megapixels. A decompression bomb (a 20,000 × 20,000 PNG is a few KB
 * on disk and 1.6 GB as RGBA) is refused from its header, before any pixel is inflated. PIL warns
 * at 89 MP and refuses at 179 MP; the engine holds an RGBA copy plus the RGB one, so it stops lower.
 */
export const MAX_IMAGE_PIXELS = 40_000_000;

/** The format from the file's magic bytes (never from its extension) and its size from the header. */
export function readImageHeader(bytes: Uint8Array, file: string): ImageHeader {
  const name = basename(file);
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (n: number, what: string): void => {
    if (b.length < n) throw new ImageError(`${name} is truncated: its ${what} header is cut short (${b.length} bytes).`);
  };
  let header: ImageHeader;
  if (b.length >= 8 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a) {
    need(24, 'PNG');
    if (b.toString('latin1', 12, 16) !== 'IHDR') throw new ImageError(`${name} is not a valid PNG: its first chunk is not IHDR.`);
    header = { format: 'png', width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  } else if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) {
    header = { format: 'jpeg', ...jpegSize(b, name) };
  } else if (b.length >= 2 && b.toString('latin1', 0, 2) === 'BM') {
    need(26, 'BMP');
    header = { format: 'bmp', width: Math.abs(b.readInt32LE(18)), height: Math.abs(b.readInt32LE(22)) };
  } else if (b.length >= 6 && /^GIF8[79]a$/.test(b.toString('latin1', 0, 6))) {
    need(10, 'GIF');
    header = { format: 'gif', width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
  } else if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') {
    header = { format: 'webp', ...webpSize(b, name) };
  } else {
    throw new ImageError(`${name} is not an image Tensorloupe reads (PNG, JPEG, BMP, GIF or WebP): its first bytes are not any of their signatures.`);
  }
  checkPixels(header, name);
  return header;
}

export function checkPixels(header: { width: number; height: number }, name: string): void {
  const { width, height } = header;
  if (width < 1 || height < 1) throw new ImageError(`${name} has no pixels (${width} × ${height}).`);
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new ImageError(
      `${name} is ${width} × ${height} (${((width * height) / 1e6).toFixed(0)} megapixels), above the ${MAX_IMAGE_PIXELS / 1e6} megapixel limit: refused before decoding (a decompression bomb, or a photo to scale down first).`,
    );
  }
}

/** Walks JPEG markers to the first start-of-frame (SOF0-SOF15 except DHT/JPG/DAC). */
function jpegSize(b: Buffer, name: string): { width: number; height: number } {
  let at = 2;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) throw new ImageError(`${name} is not a valid JPEG: a marker was expected at byte ${at}.`);
    const marker = b[at + 1];
    if (marker === 0xff) {
      at++;
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    const length = b.readUInt16BE(at + 2);
    const sof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (sof) {
      if (at + 9 > b.length) break;
      return { height: b.readUInt16BE(at + 5), width: b.readUInt16BE(at + 7) };
    }
    if (marker === 0xda || marker === 0xd9) break;
    at += 2 + length;
  }
  throw new ImageError(`${name} is truncated or corrupt: no JPEG frame header (SOF) before its data ends.`);
}

function webpSize(b: Buffer, name: string): { width: number; height: number } {
  if (b.length < 30) throw new ImageError(`${name} is truncated: its WebP header is cut short.`);
  const chunk = b.toString('latin1', 12, 16);
  if (chunk === 'VP8X') return { width: 1 + b.readUIntLE(24, 3), height: 1 + b.readUIntLE(27, 3) };
  if (chunk === 'VP8L') {
    const bits = b.readUInt32LE(21);
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
  }
  if (chunk === 'VP8 ') return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
  throw new ImageError(`${name} is not a valid WebP: unknown chunk ${JSON.stringify(chunk)}.`);
}
