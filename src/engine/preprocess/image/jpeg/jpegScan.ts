import { BitReader, type HuffmanTable } from './jpegHuffman';
import { NATURAL_ORDER, type JpegComponent, type JpegFrame } from './jpegFrame';

/** One SOS header: which components, their tables, and the spectral band / bit position it codes. */
export interface ScanHeader {
  components: { component: JpegComponent; dc: HuffmanTable | undefined; ac: HuffmanTable | undefined }[];
  ss: number;
  se: number;
  ah: number;
  al: number;
  restartInterval: number;
}

/** Why a scan stopped early; the caller turns it into a one-line error naming the file. */
export class ScanError extends Error {}

type BlockDecoder = (r: BitReader, coefs: Int16Array, at: number, ci: number) => void;

/**
 * Decodes one scan's entropy-coded data into the frame's coefficients: sequential (baseline /
 * extended) Huffman, or one progressive pass (DC first / refine, AC first / refine), as
 * libjpeg-turbo's jdhuff.c and jdphuff.c do. Returns the offset of the marker after the scan.
 */
export function decodeScan(data: Uint8Array, offset: number, frame: JpegFrame, scan: ScanHeader): number {
  const reader = new BitReader(data, offset);
  const lastDc = new Int32Array(scan.components.length);
  const state = { eobrun: 0 };
  const decodeBlock = blockDecoder(frame.progressive, scan, lastDc, state);
  const single = scan.components.length === 1;
  const mcusPerLine = single ? scan.components[0].component.widthInBlocks : frame.mcusPerLine;
  const mcuRows = single ? scan.components[0].component.heightInBlocks : frame.mcusPerColumn;
  const total = mcusPerLine * mcuRows;
  const restart = scan.restartInterval;
  let expectedRst = 0;
  for (let mcu = 0; mcu < total; mcu++) {
    if (restart > 0 && mcu > 0 && mcu % restart === 0) {
      if (reader.ranOut()) throw new ScanError('the entropy-coded data ends early');
      reader.reset();
      const marker = reader.nextMarker();
      if (marker !== 0xd0 + expectedRst) throw new ScanError(marker < 0 ? 'the data ends inside a scan' : `restart marker RST${expectedRst} expected, found 0x${marker.toString(16)}`);
      reader.pos += 2;
      expectedRst = (expectedRst + 1) & 7;
      lastDc.fill(0);
      state.eobrun = 0;
    }
    const mcuRow = (mcu / mcusPerLine) | 0;
    const mcuCol = mcu - mcuRow * mcusPerLine;
    for (let ci = 0; ci < scan.components.length; ci++) {
      const c = scan.components[ci].component;
      if (single) {
        decodeBlock(reader, c.coefs, (mcuRow * c.blocksPerRow + mcuCol) * 64, ci);
        continue;
      }
      for (let y = 0; y < c.v; y++) {
        for (let x = 0; x < c.h; x++) {
          decodeBlock(reader, c.coefs, ((mcuRow * c.v + y) * c.blocksPerRow + mcuCol * c.h + x) * 64, ci);
        }
      }
    }
  }
  if (reader.ranOut()) throw new ScanError('the entropy-coded data ends early');
  reader.reset();
  const marker = reader.nextMarker();
  if (marker < 0) throw new ScanError('the data ends after a scan, with no end-of-image marker');
  return reader.pos;
}

function symbol(r: BitReader, t: HuffmanTable): number {
  const s = r.decode(t);
  if (s < 0) throw new ScanError('a Huffman code its table does not define');
  return s;
}

function blockDecoder(progressive: boolean, scan: ScanHeader, lastDc: Int32Array, state: { eobrun: number }): BlockDecoder {
  const { ss, se, ah, al } = scan;
  const dcTables = scan.components.map((c) => c.dc);
  const acTables = scan.components.map((c) => c.ac);
  const need = (t: HuffmanTable | undefined): HuffmanTable => {
    if (!t) throw new ScanError('a scan uses a Huffman table that was never defined');
    return t;
  };
  if (!progressive) {
    const dc = dcTables.map(need);
    const ac = acTables.map(need);
    return (r, coefs, at, ci) => {
      const t = symbol(r, dc[ci]);
      const diff = r.receiveExtend(t);
      const v = lastDc[ci] + diff;
      lastDc[ci] = v;
      coefs[at] = v;
      const act = ac[ci];
      for (let k = 1; k < 64; k++) {
        const rs = symbol(r, act);
        const run = rs >> 4;
        const size = rs & 15;
        if (size) {
          k += run;
          coefs[at + NATURAL_ORDER[k > 79 ? 79 : k]] = r.receiveExtend(size);
        } else {
          if (run !== 15) break;
          k += 15;
        }
      }
    };
  }
  if (ss === 0) {
    if (ah === 0) {
      const dc = dcTables.map(need);
      return (r, coefs, at, ci) => {
        const diff = r.receiveExtend(symbol(r, dc[ci]));
        const v = lastDc[ci] + diff;
        lastDc[ci] = v;
        coefs[at] = v * (1 << al);
      };
    }
    const bit = 1 << al;
    return (r, coefs, at) => {
      if (r.bit()) coefs[at] |= bit;
    };
  }
  const act = need(acTables[0]);
  if (ah === 0) {
    return (r, coefs, at) => {
      if (state.eobrun > 0) {
        state.eobrun--;
        return;
      }
      for (let k = ss; k <= se; k++) {
        const rs = symbol(r, act);
        const run = rs >> 4;
        const size = rs & 15;
        if (size) {
          k += run;
          coefs[at + NATURAL_ORDER[k > 79 ? 79 : k]] = r.receiveExtend(size) * (1 << al);
        } else if (run === 15) {
          k += 15;
        } else {
          state.eobrun = (1 << run) - 1;
          if (run) state.eobrun += r.take(run);
          break;
        }
      }
    };
  }
  const p1 = 1 << al;
  const m1 = -1 << al;
  const refine = (r: BitReader, coefs: Int16Array, i: number): void => {
    if (r.bit() && (coefs[i] & p1) === 0) coefs[i] += coefs[i] >= 0 ? p1 : m1;
  };
  return (r, coefs, at) => {
    let k = ss;
    if (state.eobrun === 0) {
      for (; k <= se; k++) {
        const rs = symbol(r, act);
        let run = rs >> 4;
        let s = rs & 15;
        if (s) {
          // a newly non-zero coefficient is ±1 at this bit position (jdphuff.c decode_mcu_AC_refine)
          s = r.bit() ? p1 : m1;
        } else if (run !== 15) {
          state.eobrun = 1 << run;
          if (run) state.eobrun += r.take(run);
          break;
        }
        // skip over already-non-zero coefficients (refining them) and `run` zero ones
        do {
          const i = at + NATURAL_ORDER[k];
          if (coefs[i] !== 0) refine(r, coefs, i);
          else if (--run < 0) break;
          k++;
        } while (k <= se);
        if (s && k <= se) coefs[at + NATURAL_ORDER[k]] = s;
      }
    }
    if (state.eobrun > 0) {
      for (; k <= se; k++) {
        const i = at + NATURAL_ORDER[k];
        if (coefs[i] !== 0) refine(r, coefs, i);
      }
      state.eobrun--;
    }
  };
}
