import { buildHuffmanTable, type HuffmanTable } from './jpegHuffman';
import { makeFrame, NATURAL_ORDER, type JpegFrame } from './jpegFrame';
import { decodeScan, ScanError, type ScanHeader } from './jpegScan';
import { idctIslow } from './jpegIdct';
import { upsample } from './jpegUpsample';
import { toRgb } from './jpegColor';

/**
 * A JPEG decoder that gives the pixels Pillow gives (libjpeg-turbo with its defaults: islow
 * IDCT, fancy upsampling, jdcolor.c's tables), for baseline, extended and progressive Huffman
 * JPEGs with 1, 3 or 4 components. jpeg-js, used before, repeats chroma samples and has its own
 * IDCT and colour rounding: up to 34 levels off Pillow on 4:2:0 colour edges. Its entropy decoding
 * is not exposed, so the whole pipeline is here, each stage ported from libjpeg's C.
 * Throws JpegDataError (no file name; the caller adds it) on anything it cannot decode.
 */
export class JpegDataError extends Error {
  /** true for a valid JPEG of a kind not decoded here (arithmetic coding, 12-bit…), false for broken data */
  constructor(message: string, readonly unsupported = false) {
    super(message);
  }
}

export interface JpegPixels {
  width: number;
  height: number;
  /** [height, width, 3] as Pillow's convert("RGB") */
  rgb: Uint8Array;
}

const SUPPORTED_SOF = new Set([0xc0, 0xc1, 0xc2]);
/**
 * Scans decoded at most: each one walks every block, so a crafted file of thousands of tiny scans
 * would keep the engine busy for minutes (libjpeg-turbo's TurboJPEG offers the same guard, its
 * fuzzers use 500). Encoders write ~10 (Pillow, cjpeg) and never near this.
 */
const MAX_SCANS = 1000;
const SOF_NAMES: Record<number, string> = { 0xc3: 'lossless', 0xc5: 'hierarchical', 0xc6: 'hierarchical progressive', 0xc7: 'hierarchical lossless' };

export function decodeJpegPixels(data: Uint8Array): JpegPixels {
  if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) throw new JpegDataError('it does not start with a JPEG SOI marker');
  const quant: (Uint16Array | undefined)[] = [];
  const dcTables: (HuffmanTable | undefined)[] = [];
  const acTables: (HuffmanTable | undefined)[] = [];
  let frame: JpegFrame | undefined;
  let restartInterval = 0;
  let jfif = false;
  let adobeTransform = -1;
  let scans = 0;
  let pos = 2;
  const u16 = (at: number): number => {
    if (at + 2 > data.length) throw new JpegDataError('the data ends inside a marker segment');
    return (data[at] << 8) | data[at + 1];
  };
  for (;;) {
    while (pos < data.length && data[pos] !== 0xff) pos++; // stray bytes between segments (libjpeg skips them)
    while (pos + 1 < data.length && data[pos + 1] === 0xff) pos++;
    if (pos + 1 >= data.length) {
      if (frame && scans > 0) throw new JpegDataError('the data ends with no end-of-image marker (truncated)');
      throw new JpegDataError('the data ends before any image data');
    }
    const marker = data[pos + 1];
    pos += 2;
    if (marker === 0xd9) break;
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue; // no length
    const length = u16(pos);
    if (length < 2 || pos + length > data.length) throw new JpegDataError(`marker 0x${marker.toString(16)} at byte ${pos - 2} runs past the end of the data (truncated)`);
    const seg = data.subarray(pos + 2, pos + length);
    pos += length;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (!SUPPORTED_SOF.has(marker)) {
        throw new JpegDataError(`is ${marker >= 0xc9 ? 'an arithmetic-coded' : `a ${SOF_NAMES[marker]}`} JPEG (SOF${marker - 0xc0}); Tensorloupe decodes Huffman-coded baseline and progressive JPEGs: re-save it as one, or as PNG`, true);
      }
      if (frame) throw new JpegDataError('it has more than one frame header');
      frame = parseFrame(seg, marker === 0xc2);
    } else if (marker === 0xc4) {
      parseHuffman(seg, dcTables, acTables);
    } else if (marker === 0xdb) {
      parseQuant(seg, quant);
    } else if (marker === 0xdd) {
      if (seg.length < 2) throw new JpegDataError('its DRI segment is too short');
      restartInterval = (seg[0] << 8) | seg[1];
    } else if (marker === 0xe0) {
      if (seg.length >= 5 && String.fromCharCode(...seg.subarray(0, 5)) === 'JFIF\0') jfif = true;
    } else if (marker === 0xee) {
      if (seg.length >= 12 && String.fromCharCode(...seg.subarray(0, 5)) === 'Adobe') adobeTransform = seg[11];
    } else if (marker === 0xda) {
      if (!frame) throw new JpegDataError('a scan comes before the frame header');
      if (scans >= MAX_SCANS) throw new JpegDataError(`it has more than ${MAX_SCANS} scans`);
      const scan = parseScanHeader(seg, frame, dcTables, acTables, restartInterval);
      try {
        pos = decodeScan(data, pos, frame, scan);
      } catch (error) {
        if (error instanceof ScanError) throw new JpegDataError(`scan ${scans + 1}: ${error.message}`);
        throw error;
      }
      scans++;
    }
    // APPn, COM and others: skipped (EXIF orientation is read separately)
  }
  if (!frame) throw new JpegDataError('no frame header before the end-of-image marker');
  if (scans === 0) throw new JpegDataError('no image data (no scan) before the end-of-image marker');
  return render(frame, quant, colourTransform(frame, jfif, adobeTransform));
}

/** libjpeg's default_decompress_parms: whether 3/4 components are YCbCr/YCCK or stored as RGB/CMYK. */
function colourTransform(frame: JpegFrame, jfif: boolean, adobe: number): boolean {
  const ids = frame.components.map((c) => c.id);
  if (ids.length === 3) {
    if (jfif) return true;
    if (adobe >= 0) return adobe !== 0;
    return !(ids[0] === 82 && ids[1] === 71 && ids[2] === 66);
  }
  if (ids.length === 4) return adobe >= 0 && adobe !== 0;
  return false;
}

function parseFrame(seg: Uint8Array, progressive: boolean): JpegFrame {
  if (seg.length < 6) throw new JpegDataError('its frame header is too short');
  const precision = seg[0];
  const height = (seg[1] << 8) | seg[2];
  const width = (seg[3] << 8) | seg[4];
  const n = seg[5];
  if (precision !== 8) throw new JpegDataError(`has ${precision}-bit samples; only 8-bit JPEGs are decoded (Pillow reads no others either)`, true);
  if (height === 0) throw new JpegDataError('gives its height later in a DNL marker, which Tensorloupe does not decode', true);
  if (width === 0) throw new JpegDataError('its frame header gives a width of 0');
  if (n !== 1 && n !== 3 && n !== 4) throw new JpegDataError(`has ${n} colour components; JPEGs with 1, 3 or 4 are decoded`, true);
  if (seg.length < 6 + 3 * n) throw new JpegDataError('its frame header is too short');
  const specs = [];
  for (let i = 0; i < n; i++) {
    const o = 6 + i * 3;
    const h = seg[o + 1] >> 4;
    const v = seg[o + 1] & 15;
    if (h < 1 || h > 4 || v < 1 || v > 4) throw new JpegDataError(`component ${i + 1} has sampling factors ${h}×${v} (1 to 4 allowed)`);
    if (seg[o + 2] > 3) throw new JpegDataError(`component ${i + 1} names quantisation table ${seg[o + 2]} (0 to 3 allowed)`);
    specs.push({ id: seg[o], h, v, quantTable: seg[o + 2] });
  }
  const maxH = Math.max(...specs.map((c) => c.h));
  const maxV = Math.max(...specs.map((c) => c.v));
  if (specs.some((c) => maxH % c.h !== 0 || maxV % c.v !== 0)) throw new JpegDataError('has fractional chroma sampling ratios, which libjpeg (and so Pillow) does not decode either', true);
  return makeFrame(progressive, width, height, specs);
}

function parseHuffman(seg: Uint8Array, dc: (HuffmanTable | undefined)[], ac: (HuffmanTable | undefined)[]): void {
  let at = 0;
  while (at < seg.length) {
    if (at + 17 > seg.length) throw new JpegDataError('a Huffman table segment is too short');
    const tc = seg[at] >> 4;
    const th = seg[at] & 15;
    if (tc > 1 || th > 3) throw new JpegDataError(`a Huffman table has class ${tc}, slot ${th}`);
    const counts = seg.subarray(at + 1, at + 17);
    const total = counts.reduce((a, b) => a + b, 0);
    if (total > 256 || at + 17 + total > seg.length) throw new JpegDataError('a Huffman table has more symbols than its segment holds');
    const table = buildHuffmanTable(counts, seg.subarray(at + 17, at + 17 + total));
    if (!table) throw new JpegDataError('a Huffman table is not a valid prefix code');
    (tc === 0 ? dc : ac)[th] = table;
    at += 17 + total;
  }
}

function parseQuant(seg: Uint8Array, quant: (Uint16Array | undefined)[]): void {
  let at = 0;
  while (at < seg.length) {
    const pq = seg[at] >> 4;
    const tq = seg[at] & 15;
    const size = pq === 0 ? 64 : 128;
    if (pq > 1 || tq > 3 || at + 1 + size > seg.length) throw new JpegDataError('a quantisation table segment is malformed');
    const table = new Uint16Array(64);
    for (let i = 0; i < 64; i++) table[NATURAL_ORDER[i]] = pq === 0 ? seg[at + 1 + i] : (seg[at + 1 + 2 * i] << 8) | seg[at + 2 + 2 * i];
    quant[tq] = table;
    at += 1 + size;
  }
}

function parseScanHeader(seg: Uint8Array, frame: JpegFrame, dc: (HuffmanTable | undefined)[], ac: (HuffmanTable | undefined)[], restartInterval: number): ScanHeader {
  const n = seg[0] ?? 0;
  if (n < 1 || n > 4 || seg.length < 4 + 2 * n) throw new JpegDataError('a scan header is malformed');
  const components = [];
  for (let i = 0; i < n; i++) {
    const id = seg[1 + 2 * i];
    const component = frame.components.find((c) => c.id === id);
    if (!component) throw new JpegDataError(`a scan names component ${id}, which the frame does not have`);
    const tables = seg[2 + 2 * i];
    components.push({ component, dc: dc[tables >> 4], ac: ac[tables & 15] });
  }
  const ss = seg[1 + 2 * n];
  const se = seg[2 + 2 * n];
  const ah = seg[3 + 2 * n] >> 4;
  const al = seg[3 + 2 * n] & 15;
  if (frame.progressive) {
    const ok = ss === 0 ? se === 0 : n === 1 && ss <= se && se <= 63;
    if (!ok || ah > 13 || al > 13) throw new JpegDataError(`a progressive scan has an invalid band (Ss=${ss}, Se=${se}, Ah=${ah}, Al=${al})`);
  } else if (n > 1 && components.reduce((a, c) => a + c.component.h * c.component.v, 0) > 10) {
    throw new JpegDataError('a scan has more than 10 blocks in a unit (MCU)');
  }
  return { components, ss, se, ah, al, restartInterval };
}

/** IDCT of every block, upsampling to full size, colour conversion. */
function render(frame: JpegFrame, quant: (Uint16Array | undefined)[], colorTransform: boolean): JpegPixels {
  const { width, height } = frame;
  const planes = frame.components.map((c) => {
    const q = quant[c.quantTable];
    if (!q) throw new JpegDataError(`component ${c.id} uses quantisation table ${c.quantTable}, which was never defined`);
    const stride = c.blocksPerRow * 8;
    const plane = new Uint8Array(stride * c.blockRows * 8);
    for (let br = 0; br < c.heightInBlocks; br++) {
      for (let bc = 0; bc < c.widthInBlocks; bc++) {
        idctIslow(c.coefs, (br * c.blocksPerRow + bc) * 64, q, plane, br * 8 * stride + bc * 8, stride);
      }
    }
    c.coefs = new Int16Array(0); // done with: let a large photo's coefficients go before the next plane
    return upsample({ data: plane, stride, width: c.sampleWidth, height: c.sampleHeight }, frame.maxH / c.h, frame.maxV / c.v, width, height);
  });
  return { width, height, rgb: toRgb(planes, width * height, colorTransform) };
}
