import { checkpoint } from '../../cancellation';
import { InputError } from '../../errors';
import type { InstrumentedLm, InstrumentedModels } from '../../instrumentedModels';
import type { CancelSignal } from '../../../protocol/rpc';
import { collectThroughSpill, MAX_SPILL_BYTES } from './layerSpill';
import { runWindowStates } from './windowStates';

// Hidden states of many texts, one layer at a time, for the features that read the residual
// stream as data (probes, the projector). Layer 0 is what enters the first block (the token
// embedding plus the positional one, exposed as blocks.0.hook_resid_pre); layer L + 1 is
// blocks.L.hook_resid_post. Each forward pass fetches a group of layers through a lean session;
// when all layers of every position would exceed `maxBytes`, the texts are run again for each
// group instead, so memory stays bounded by the budget, not by positions × layers. Within a window
// the model runs in chunks through its KV cache (windowStates.ts).

/** Where each collected position came from. All columns have one entry per position. */
export interface HiddenPositions {
  count: number;
  dModel: number;
  /** index into the texts given */
  textIndex: Int32Array;
  tokenId: Int32Array;
  /** UTF-16 offsets into the text; -1 for tokens the tokenizer added (BOS) */
  start: Int32Array;
  end: Int32Array;
  /** 1 for tokens the tokenizer added (BOS/EOS) */
  special: Uint8Array;
}

export interface HiddenLayer {
  /** 0 = embedding (blocks.0.hook_resid_pre), L + 1 = blocks.L.hook_resid_post */
  layer: number;
  hook: string;
  /** [count, dModel] row-major, rows in the order of HiddenPositions */
  data: Float32Array;
}

export interface HiddenStateOptions {
  /** layers to collect (default all: 0..nLayers) */
  layers?: number[];
  /** tokens per forward pass; a longer text runs as consecutive windows (default: the context) */
  window?: number;
  /** most positions collected in all (a bound, not a sample: more is refused) */
  maxPositions?: number;
  /** what the texts are (a dataset file, a task), named in the message when they are too many */
  name?: string;
  /** bytes of hidden states held at once (default 256 MiB) */
  maxBytes?: number;
  signal?: CancelSignal;
  /** windows run so far of all the windows of all passes, and which layers and positions they read */
  onProgress?(done: number, total: number, message: string): void;
}

export const DEFAULT_MAX_POSITIONS = 200_000;
const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

/** The hook a layer index reads. */
export function hiddenHook(layer: number): string {
  return layer === 0 ? 'blocks.0.hook_resid_pre' : `blocks.${layer - 1}.hook_resid_post`;
}

interface Window {
  text: number;
  ids: number[];
  /** first position of this window in the collected rows */
  offset: number;
}

/** Tokenises every text and cuts it into windows of at most `window` tokens. */
export function planPositions(m: InstrumentedLm, texts: string[], window: number, maxPositions: number, name = 'The texts'): { positions: HiddenPositions; windows: Window[] } {
  const tokens = texts.map((t) => m.base.tokenizer.encode(t));
  const count = tokens.reduce((n, t) => n + t.length, 0);
  if (count > maxPositions) {
    throw new InputError(`${name} ${name === 'The texts' ? 'have' : 'has'} ${count.toLocaleString('en-US')} tokens; Tensorloupe collects hidden states of at most ${maxPositions.toLocaleString('en-US')} positions at once.`);
  }
  const dModel = m.info.dModel;
  if (dModel === undefined) throw new InputError(`The width of ${m.base.folder.name}'s residual stream could not be found; hidden states cannot be read from it.`);
  const positions: HiddenPositions = {
    count, dModel,
    textIndex: new Int32Array(count), tokenId: new Int32Array(count),
    start: new Int32Array(count), end: new Int32Array(count), special: new Uint8Array(count),
  };
  const windows: Window[] = [];
  let row = 0;
  tokens.forEach((list, text) => {
    for (let s = 0; s < list.length; s += window) windows.push({ text, ids: list.slice(s, s + window).map((t) => t.id), offset: row + s });
    for (const t of list) {
      positions.textIndex[row] = text;
      positions.tokenId[row] = t.id;
      positions.start[row] = t.start;
      positions.end[row] = t.end;
      positions.special[row] = t.special ? 1 : 0;
      row++;
    }
  });
  return { positions, windows };
}

/**
 * Runs the texts and hands each layer's [positions, dModel] matrix to `onLayer`, in layer order,
 * once it is complete; the matrix is not kept after `onLayer` resolves (unless the caller keeps it).
 */
export async function collectHiddenStates(
  instrumented: InstrumentedModels,
  m: InstrumentedLm,
  texts: string[],
  options: HiddenStateOptions,
  onLayer: (layer: HiddenLayer, positions: HiddenPositions) => void | Promise<void>,
): Promise<HiddenPositions> {
  const nLayers = m.info.nLayers;
  const layers = options.layers ?? Array.from({ length: nLayers + 1 }, (_, i) => i);
  for (const l of layers) if (!Number.isInteger(l) || l < 0 || l > nLayers) throw new InputError(`Layer ${l} is out of range: ${m.base.folder.name} has layers 0 (embedding) to ${nLayers}.`);
  const window = Math.max(1, Math.min(options.window ?? m.base.lm.contextLength, m.base.lm.contextLength));
  const { positions, windows } = planPositions(m, texts, window, options.maxPositions ?? DEFAULT_MAX_POSITIONS, options.name);
  const bytesPerLayer = Math.max(1, positions.count * positions.dModel * 4);
  const perPass = Math.max(1, Math.floor((options.maxBytes ?? DEFAULT_MAX_BYTES) / bytesPerLayer));
  const groups: number[][] = [];
  for (let i = 0; i < layers.length; i += perPass) groups.push(layers.slice(i, i + perPass));
  // the layers do not all fit the budget: one pass through a temporary file instead of one pass per group (layerSpill.ts)
  if (groups.length > 1 && bytesPerLayer * layers.length <= MAX_SPILL_BYTES) {
    return collectThroughSpill(instrumented, m, layers, layers.map(hiddenHook), positions, windows, options, onLayer);
  }
  const total = windows.length * groups.length;
  let done = 0;
  const layerNames = (g: number[]) => (g.length === 1 ? `layer ${g[0]}` : `layers ${g[0]}-${g[g.length - 1]}`);
  for (const [pass, group] of groups.entries()) {
    const which = `${layerNames(group)}${groups.length > 1 ? ` (pass ${pass + 1}/${groups.length})` : ''}`;
    const hooks = group.map(hiddenHook);
    const buffers = group.map(() => new Float32Array(positions.count * positions.dModel)); // [count, dModel] each
    for (const w of windows) {
      await checkpoint(options.signal);
      await runWindowStates(instrumented, m, w.ids, hooks, positions.dModel, (g, rows, start) => buffers[g].set(rows, (w.offset + start) * positions.dModel));
      const positionsDone = w.offset + w.ids.length;
      options.onProgress?.(++done, total, `hidden states of ${which}: text ${w.text + 1}/${texts.length}, position ${positionsDone.toLocaleString('en-US')}/${positions.count.toLocaleString('en-US')}`);
    }
    for (let g = 0; g < group.length; g++) {
      await onLayer({ layer: group[g], hook: hooks[g], data: buffers[g] }, positions);
      buffers[g] = new Float32Array(0); // let this layer go before the next is handed over
    }
  }
  return positions;
}
