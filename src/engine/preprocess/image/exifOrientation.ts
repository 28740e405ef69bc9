/**
 * The EXIF Orientation tag (0x0112) of a JPEG's first APP1 "Exif" segment (the one Pillow keeps),
 * 1 when there is none or it cannot be read. transformers' `load_image` applies it with
 * `PIL.ImageOps.exif_transpose` before the processor sees the image. EXIF that is not TIFF is
 * ignored (Pillow 9.4 skips such data too; a cut-off IFD only warns there).
 */
export function jpegExifOrientation(b: Buffer): number {
  let at = 2;
  while (at + 4 <= b.length && b[at] === 0xff) {
    const marker = b[at + 1];
    if (marker === 0xda || marker === 0xd9) break;
    const length = b.readUInt16BE(at + 2);
    if (marker === 0xe1 && b.toString('latin1', at + 4, at + 10) === 'Exif\0\0') {
      return tiffOrientation(b.subarray(at + 10, at + 2 + length));
    }
    at += 2 + length;
  }
  return 1;
}

/**
 * The orientation Pillow's getexif() finds in a PNG: its eXIf chunk (before or after the image
 * data; Pillow loads the file to find a late one), else `tiff:Orientation` in an uncompressed
 * XMP iTXt chunk (Image.getexif's XMP fallback). 1 when neither is there.
 */
export function pngExifOrientation(b: Buffer): number {
  let at = 8;
  let xmp: number | undefined;
  while (at + 12 <= b.length) {
    const length = b.readUInt32BE(at);
    const type = b.toString('latin1', at + 4, at + 8);
    const end = at + 8 + length;
    if (end > b.length) break;
    if (type === 'eXIf') return tiffOrientation(b.subarray(at + 8, end));
    if (type === 'iTXt' && xmp === undefined && b.toString('latin1', at + 8, at + 26) === 'XML:com.adobe.xmp\0' && b[at + 26] === 0) {
      const m = /tiff:Orientation(="|>)([0-9])/.exec(b.toString('latin1', at + 8, end));
      if (m) xmp = Number(m[2]);
    }
    if (type === 'IEND') break;
    at = end + 4;
  }
  return xmp !== undefined && xmp >= 1 && xmp <= 8 ? xmp : 1;
}

function tiffOrientation(t: Buffer): number {
  if (t.length < 8) return 1;
  const order = t.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return 1;
  const little = order === 'II';
  const u16 = (o: number): number => (little ? t.readUInt16LE(o) : t.readUInt16BE(o));
  const u32 = (o: number): number => (little ? t.readUInt32LE(o) : t.readUInt32BE(o));
  const ifd = u32(4);
  if (ifd + 2 > t.length) return 1;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const e = ifd + 2 + i * 12;
    if (e + 12 > t.length) return 1;
    if (u16(e) === 0x0112) {
      // SHORT as the standard says; LONG and BYTE as some writers store it (Pillow reads any type)
      const type = u16(e + 2);
      const v = type === 4 ? u32(e + 8) : type === 1 ? t[e + 8] : u16(e + 8);
      return v >= 1 && v <= 8 ? v : 1;
    }
  }
  return 1;
}

/** Applies an EXIF orientation to [h, w, c] pixels, as PIL's exif_transpose (which transposes per value 2-8). */
export function applyOrientation(data: Uint8Array, width: number, height: number, orientation: number, channels = 3): { data: Uint8Array; width: number; height: number } {
  if (orientation === 1) return { data, width, height };
  const swap = orientation >= 5;
  const ow = swap ? height : width;
  const oh = swap ? width : height;
  const out = new Uint8Array(ow * oh * channels);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      // (sx, sy): the source pixel shown at (x, y) after the transform
      let sx: number;
      let sy: number;
      switch (orientation) {
        case 2: sx = width - 1 - x; sy = y; break; // mirror horizontal
        case 3: sx = width - 1 - x; sy = height - 1 - y; break; // rotate 180
        case 4: sx = x; sy = height - 1 - y; break; // mirror vertical
        case 5: sx = y; sy = x; break; // transpose
        case 6: sx = y; sy = height - 1 - x; break; // rotate 90 CW to view
        case 7: sx = width - 1 - y; sy = height - 1 - x; break; // transverse
        default: sx = width - 1 - y; sy = x; break; // 8: rotate 90 CCW to view
      }
      const s = (sy * width + sx) * channels;
      const d = (y * ow + x) * channels;
      for (let c = 0; c < channels; c++) out[d + c] = data[s + c];
    }
  }
  return { data: out, width: ow, height: oh };
}
