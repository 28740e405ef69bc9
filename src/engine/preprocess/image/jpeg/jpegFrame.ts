/** A JPEG frame's components and their quantised DCT coefficients, as libjpeg lays them out. */

export interface JpegComponent {
  id: number;
  h: number;
  v: number;
  quantTable: number;
  /** ceil(width · h / (8 · maxH)): the blocks holding real samples (libjpeg's width_in_blocks) */
  widthInBlocks: number;
  heightInBlocks: number;
  /** blocks allocated a row / rows allocated: whole MCUs, so interleaved scans never overrun */
  blocksPerRow: number;
  blockRows: number;
  /** [blockRows · blocksPerRow · 64] coefficients in natural (row-major) order, int16 as libjpeg's JCOEF */
  coefs: Int16Array;
  /** samples carrying image data: ceil(width · h / maxH) × ceil(height · v / maxV) (libjpeg's downsampled_width/height) */
  sampleWidth: number;
  sampleHeight: number;
}

export interface JpegFrame {
  progressive: boolean;
  width: number;
  height: number;
  components: JpegComponent[];
  maxH: number;
  maxV: number;
  mcusPerLine: number;
  mcusPerColumn: number;
}

/** Zig-zag index → natural index, padded as libjpeg's jpeg_natural_order so a corrupt run past 63 lands on 63. */
export const NATURAL_ORDER = new Uint8Array([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
  35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
  63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
]);

export function makeFrame(progressive: boolean, width: number, height: number, specs: { id: number; h: number; v: number; quantTable: number }[]): JpegFrame {
  const maxH = Math.max(...specs.map((c) => c.h));
  const maxV = Math.max(...specs.map((c) => c.v));
  const mcusPerLine = Math.ceil(width / (8 * maxH));
  const mcusPerColumn = Math.ceil(height / (8 * maxV));
  const components = specs.map((c): JpegComponent => {
    const blocksPerRow = mcusPerLine * c.h;
    const blockRows = mcusPerColumn * c.v;
    return {
      ...c,
      widthInBlocks: Math.ceil((width * c.h) / (8 * maxH)),
      heightInBlocks: Math.ceil((height * c.v) / (8 * maxV)),
      blocksPerRow,
      blockRows,
      coefs: new Int16Array(blocksPerRow * blockRows * 64),
      sampleWidth: Math.ceil((width * c.h) / maxH),
      sampleHeight: Math.ceil((height * c.v) / maxV),
    };
  });
  return { progressive, width, height, components, maxH, maxV, mcusPerLine, mcusPerColumn };
}
