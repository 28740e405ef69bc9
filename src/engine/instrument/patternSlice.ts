/** Cut a pattern [batch, head, query_pos, key_pos] down to some heads and a query-row range, so a
 * panel showing one head or one page of a long sequence never holds the rest. */
import { InstrumentError } from './errors.js';
import type { DenseTensor } from './recompute.js';

export interface PatternSelection {
  /** head indices to keep, in this order; all when absent */
  heads?: number[];
  /** query rows [start, end) to keep; all when absent */
  queries?: [number, number];
}

export function checkSelection(sel: PatternSelection, nHeads: number, nQueries: number): { heads: number[]; q0: number; q1: number } {
  const heads = sel.heads ?? [...Array(nHeads).keys()];
  const [q0, q1] = sel.queries ?? [0, nQueries];
  const bad = heads.find((h) => !Number.isInteger(h) || h < 0 || h >= nHeads);
  if (bad !== undefined) throw new InstrumentError('HOOK_UNKNOWN', `head ${bad} does not exist (this layer has ${nHeads} heads)`);
  if (!(q0 >= 0 && q0 < q1 && q1 <= nQueries)) throw new InstrumentError('HOOK_UNKNOWN', `query rows [${q0}, ${q1}) are outside 0..${nQueries}`);
  return { heads, q0, q1 };
}

export function slicePattern(t: DenseTensor, sel: PatternSelection): DenseTensor {
  if (!sel.heads && !sel.queries) return t;
  const [B, H, S, T] = t.dims;
  const { heads, q0, q1 } = checkSelection(sel, H, S);
  const rows = q1 - q0;
  const out = new Float32Array(B * heads.length * rows * T); // [B, heads, rows, T]
  for (let b = 0; b < B; b++)
    heads.forEach((h, hi) => {
      const src = ((b * H + h) * S + q0) * T;
      out.set(t.data.subarray(src, src + rows * T), (b * heads.length + hi) * rows * T);
    });
  return { dims: [B, heads.length, rows, T], data: out };
}
