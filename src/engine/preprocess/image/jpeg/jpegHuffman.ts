/**
 * Huffman tables and the entropy-coded bit stream of a JPEG scan (ITU T.81 annex C and F.2.2),
 * as libjpeg-turbo's jdhuff.c reads them: byte stuffing (FF 00), fill bytes (FF FF…), and a
 * marker inside the data ends the segment. Bits past the segment's end read as zeros (what
 * libjpeg does) but are counted, so a decoder that needed them can say the file is truncated.
 */

/** A decoding table: 9-bit lookahead for short codes, canonical min/max codes for long ones. */
export interface HuffmanTable {
  /** (length << 8) | symbol for a code of ≤ 9 bits whose prefix is the index; 0 when longer */
  lookahead: Uint16Array;
  maxCode: Int32Array; // [17], -1 when no code of that length
  valOffset: Int32Array; // [17]: symbols index - first code of that length
  symbols: Uint8Array;
}

const LOOKAHEAD_BITS = 9;

/** Builds a table from DHT's 16 counts and symbols; null when the counts are not a prefix code. */
export function buildHuffmanTable(counts: Uint8Array, symbols: Uint8Array): HuffmanTable | null {
  const lookahead = new Uint16Array(1 << LOOKAHEAD_BITS);
  const maxCode = new Int32Array(17).fill(-1);
  const valOffset = new Int32Array(17);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    const n = counts[len - 1];
    valOffset[len] = k - code;
    for (let i = 0; i < n; i++, k++, code++) {
      if (len <= LOOKAHEAD_BITS) {
        const shift = LOOKAHEAD_BITS - len;
        const first = code << shift;
        for (let j = 0; j < 1 << shift; j++) lookahead[first + j] = (len << 8) | symbols[k];
      }
    }
    if (n > 0) maxCode[len] = code - 1;
    // codes of one length must fit in it (jdhuff.c: "Bad Huffman table")
    if (code > 1 << len) return null;
    code <<= 1;
  }
  return { lookahead, maxCode, valOffset, symbols };
}

/** Reads one scan's entropy-coded segment bit by bit (most significant bit first). */
export class BitReader {
  private buffer = 0;
  private bits = 0;
  /** zero bits appended after the segment's end; consuming any means the data ran out */
  private phantom = 0;
  private atMarker = false;

  constructor(private readonly data: Uint8Array, public pos: number) {}

  private fill(): void {
    while (this.bits <= 24) {
      let byte = 0;
      if (!this.atMarker && this.pos < this.data.length) {
        byte = this.data[this.pos];
        if (byte === 0xff) {
          let next = this.pos + 1;
          while (next < this.data.length && this.data[next] === 0xff) next++; // fill bytes
          if (next < this.data.length && this.data[next] === 0) {
            this.pos = next + 1;
          } else {
            this.atMarker = true;
            this.pos = next - 1; // at the FF before the marker code
            byte = 0;
            this.phantom += 8;
          }
        } else {
          this.pos++;
        }
      } else {
        this.phantom += 8;
      }
      this.buffer = (this.buffer << 8) | byte;
      this.bits += 8;
    }
  }

  /** True when a symbol or bit was read from past the segment's end. */
  ranOut(): boolean {
    return this.phantom > this.bits;
  }

  bit(): number {
    if (this.bits === 0) this.fill();
    this.bits--;
    return (this.buffer >>> this.bits) & 1;
  }

  /** n ≤ 16 raw bits as an unsigned number. */
  take(n: number): number {
    if (n === 0) return 0;
    if (this.bits < n) this.fill();
    this.bits -= n;
    return (this.buffer >>> this.bits) & ((1 << n) - 1);
  }

  /** n raw bits as a signed coefficient (T.81 F.2.2.1 EXTEND). */
  receiveExtend(n: number): number {
    if (n === 0) return 0;
    const v = this.take(n);
    return v < 1 << (n - 1) ? v - (1 << n) + 1 : v;
  }

  /** One Huffman symbol; -1 for a bit pattern the table does not code (corrupt data). */
  decode(t: HuffmanTable): number {
    if (this.bits < 16) this.fill();
    const e = t.lookahead[(this.buffer >>> (this.bits - LOOKAHEAD_BITS)) & ((1 << LOOKAHEAD_BITS) - 1)];
    if (e !== 0) {
      this.bits -= e >> 8;
      return e & 0xff;
    }
    for (let len = LOOKAHEAD_BITS + 1; len <= 16; len++) {
      const code = (this.buffer >>> (this.bits - len)) & ((1 << len) - 1);
      if (code <= t.maxCode[len]) {
        this.bits -= len;
        return t.symbols[t.valOffset[len] + code];
      }
    }
    return -1;
  }

  /** Drops the bits left in the buffer (before a restart marker, or at the scan's end). */
  reset(): void {
    this.buffer = 0;
    this.bits = 0;
    this.phantom = 0;
  }

  /** Moves to the next marker (skipping what an encoder left before it); returns its code, -1 at end of data. */
  nextMarker(): number {
    this.atMarker = false;
    let p = this.pos;
    while (p + 1 < this.data.length) {
      if (this.data[p] === 0xff && this.data[p + 1] !== 0 && this.data[p + 1] !== 0xff) {
        this.pos = p;
        return this.data[p + 1];
      }
      p++;
    }
    this.pos = this.data.length;
    return -1;
  }
}
