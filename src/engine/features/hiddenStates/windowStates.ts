import { InputError } from '../../errors';
import type { InstrumentedLm, InstrumentedModels } from '../../instrumentedModels';

// One window's hidden states, run in chunks through the model's own KV cache (runChunked): each
// chunk's attention is [chunk, keys so far] instead of the whole window's [T, T]. On the code LM a
// 2,048-token window took ~800 ms in one pass and ~260 ms in chunks of 256 (the full-window
// attention and mask tensors are tens of MB a layer), with bit-identical states; models without a
// KV-cache input run the window in one piece, as before.

/** tokens per forward pass within a window */
export const HIDDEN_CHUNK = 256;

/** Runs `ids` and hands over, per chunk and hook (index g into `hooks`), rows [start, start + n) as [n, dModel]. */
export async function runWindowStates(
  instrumented: InstrumentedModels,
  m: InstrumentedLm,
  ids: number[],
  hooks: string[],
  dModel: number,
  onRows: (g: number, rows: Float32Array, start: number) => void | Promise<void>,
): Promise<void> {
  await instrumented.runChunked(m, ids, hooks, HIDDEN_CHUNK, async (acts, start, end) => {
    for (let g = 0; g < hooks.length; g++) {
      const t = acts.get(hooks[g]); // [1, end - start, dModel]
      if (!t) throw new InputError(`${m.base.folder.name} has no ${hooks[g]}; hidden states cannot be read from this model.`);
      await onRows(g, t.data.subarray(0, (end - start) * dModel), start);
    }
  });
}
