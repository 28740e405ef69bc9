// Hidden states of every layer in ONE forward pass over the texts when they do not all fit the
// memory budget: each window's layers go to a temporary file, and the layers are read back one
// at a time for the caller. Before, the texts ran again for each group of layers that fit the
// budget: on a 124M model (d_model 768, 13 layers) 10,000 tokens are 400 MB of states, over the
// 256 MiB budget, so two full passes, and 50,000 positions with a one-layer budget ran thirteen.
// Writing and reading back the states costs a fraction of one forward pass (page cache; bench/realSizeProbes.ts).
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkpoint } from '../../cancellation';
import { runWindowStates } from './windowStates';
import type { InstrumentedLm, InstrumentedModels } from '../../instrumentedModels';
import type { HiddenLayer, HiddenPositions, HiddenStateOptions } from './collectHiddenStates';

/** Spill files larger than this run the texts once per group instead (a full disk is worse than slow). */
export const MAX_SPILL_BYTES = 4 * 1024 ** 3;

interface Window {
  ids: number[];
  offset: number;
}

export async function collectThroughSpill(
  instrumented: InstrumentedModels,
  m: InstrumentedLm,
  layers: number[],
  hooks: string[],
  positions: HiddenPositions,
  windows: Window[],
  options: HiddenStateOptions,
  onLayer: (layer: HiddenLayer, positions: HiddenPositions) => void | Promise<void>,
): Promise<HiddenPositions> {
  const layerBytes = positions.count * positions.dModel * 4;
  const dir = await mkdtemp(join(tmpdir(), 'tensorloupe-hidden-'));
  const file = await open(join(dir, 'layers.f32'), 'w+');
  try {
    let done = 0;
    for (const w of windows) {
      await checkpoint(options.signal);
      await runWindowStates(instrumented, m, w.ids, hooks, positions.dModel, async (g, rows, start) => {
        await file.write(new Uint8Array(rows.buffer, rows.byteOffset, rows.byteLength), 0, rows.byteLength, g * layerBytes + (w.offset + start) * positions.dModel * 4);
      });
      options.onProgress?.(++done, windows.length, `hidden states of ${hooks.length} layers in one pass: window ${done}/${windows.length}`);
    }
    for (let g = 0; g < hooks.length; g++) {
      await checkpoint(options.signal);
      const data = new Float32Array(positions.count * positions.dModel); // [count, dModel]
      await file.read(new Uint8Array(data.buffer), 0, layerBytes, g * layerBytes);
      await onLayer({ layer: layers[g], hook: hooks[g], data }, positions);
    }
    return positions;
  } finally {
    await file.close();
    await rm(dir, { recursive: true, force: true });
  }
}
