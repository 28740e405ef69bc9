import { basename } from 'node:path';
import { ImageError } from './imageErrors';
import type { RgbImage } from './rgbImage';

/**
 * Uncompressed Windows BMP (BI_RGB / BI_BITFIELDS with the usual masks): 24- and 32-bit, and 8-,
 * 4- or 1-bit with a palette, bottom-up or top-down, as PIL reads them (alpha dropped). No npm
 * decoder of BMP is both small and kept up, and the format is a header over raw rows.
 */
export function decodeBmp(bytes: Uint8Array, file: string): RgbImage {
  const name = basename(file);
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const bad = (why: string): ImageError => new ImageError(`${name} is not a BMP Tensorloupe reads: ${why}.`);
  if (b.length < 54) throw new ImageError(`${name} is truncated: its BMP header is cut short.`);
  const offset = b.readUInt32LE(10);
  const headerSize = b.readUInt32LE(14);
  const width = b.readInt32LE(18);
  const rawHeight = b.readInt32LE(22);
  const bits = b.readUInt16LE(28);
  const compression = b.readUInt32LE(30);
  if (compression !== 0 && compression !== 3) throw bad(`compression ${compression} (RLE or embedded JPEG/PNG) is not supported; save it uncompressed or as PNG`);
  if (![1, 4, 8, 24, 32].includes(bits)) throw bad(`${bits} bits a pixel`);
  const height = Math.abs(rawHeight);
  const topDown = rawHeight < 0;
  const stride = Math.floor((bits * width + 31) / 32) * 4;
  if (offset + stride * height > b.length) throw new ImageError(`${name} is truncated: its pixel rows end before ${height} rows of ${width} pixels.`);
  let palette: Buffer | undefined;
  if (bits <= 8) {
    const colours = b.readUInt32LE(46) || 1 << bits;
    palette = b.subarray(14 + headerSize, 14 + headerSize + colours * 4);
  }
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = offset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const d = (y * width + x) * 3;
      if (bits >= 24) {
        const s = row + x * (bits / 8);
        out[d] = b[s + 2];
        out[d + 1] = b[s + 1];
        out[d + 2] = b[s];
      } else {
        const bitPos = x * bits;
        const index = (b[row + (bitPos >> 3)] >> (8 - bits - (bitPos & 7))) & ((1 << bits) - 1);
        const p = index * 4;
        if (!palette || p + 3 > palette.length) throw bad(`a pixel names palette entry ${index}, past the palette's end`);
        out[d] = palette[p + 2];
        out[d + 1] = palette[p + 1];
        out[d + 2] = palette[p];
      }
    }
  }
  return { width, height, data: out };
}
