// One layer's residual stream at the texts' token positions, sampled: every text is tokenized
// first, the kept positions chosen evenly over all of them (seeded), then only the context-sized
// windows holding a kept position run, and only the kept rows are copied out, so memory stays at
// the sample, not the workspace.
// (The probes feature is writing a shared hidden-state collector in features/hiddenStates/; until
// it lands this reads the hook through the same instrumented runs activations/export uses.)
import { checkpoint } from '../../cancellation';
import { InputError } from '../../errors';
import type { FeatureContext } from '../context';
import type { InstrumentedLm } from '../../instrumentedModels';
import type { Matrix } from '../../analyses/matrix';
import type { CancelSignal } from '../../../protocol/rpc';
import type { ProjectedPoint, ProjectorText } from '../../../protocol/projector';
import { evenSample } from '../../analyses/sampling';
import type { TokenPlace } from './pointCategories';

export interface CollectedResid {
  matrix: Matrix;
  points: Omit<ProjectedPoint, 'x' | 'y'>[];
  /** where each point's token sits in its text, for its category */
  places: TokenPlace[];
  totalPoints: number;
}

/** `onProgress`: windows run of the windows that hold a sampled position, with the file they read */
export async function collectResid(ctx: FeatureContext, im: InstrumentedLm, texts: ProjectorText[], hook: string, maxPoints: number, seed: number, signal: CancelSignal, onProgress?: (done: number, total: number, message: string) => void): Promise<CollectedResid> {
  if (!im.result.hooks.some((h) => h.name === hook)) throw new InputError(`${im.base.folder.name} has no ${hook} (instrumentation found none).`);
  const window = im.base.lm.contextLength;
  // windows of at most the context length over each text; positions are counted per text
  const windows: { text: number; start: number; ids: number[] }[] = [];
  const tokenized = texts.map((t) => im.base.tokenizer.encode(t.text));
  tokenized.forEach((tokens, text) => {
    for (let start = 0; start < tokens.length; start += window) windows.push({ text, start, ids: tokens.slice(start, start + window).map((t) => t.id) });
  });
  const total = windows.reduce((s, w) => s + w.ids.length, 0);
  const kept = evenSample(total, maxPoints, seed);
  const lineStarts = texts.map((t) => lineStartsOf(t.text));
  const toRun = windowsHolding(windows, kept);
  let run = 0;
  let d = 0;
  let data = new Float32Array(0);
  const points: Omit<ProjectedPoint, 'x' | 'y'>[] = [];
  const places: TokenPlace[] = [];
  let at = 0; // next index into kept
  let offset = 0; // flat index of the window's first position
  for (const w of windows) {
    const end = offset + w.ids.length;
    if (at < kept.length && kept[at] < end) {
      const acts = (await ctx.instrumented.run(im, w.ids, [hook])).get(hook);
      if (!acts) throw new InputError(`${hook} came back empty from ${im.base.folder.name}.`);
      d = acts.dims[acts.dims.length - 1];
      if (data.length === 0) data = new Float32Array(kept.length * d);
      for (; at < kept.length && kept[at] < end; at++) {
        const pos = kept[at] - offset;
        data.set(acts.data.subarray(pos * d, (pos + 1) * d), points.length * d);
        const token = tokenized[w.text][w.start + pos];
        const file = texts[w.text].file;
        points.push({
          id: token.id,
          text: token.text,
          ...(file === undefined ? {} : { file }),
          line: token.start < 0 ? 1 : lineOf(lineStarts[w.text], token.start),
          position: w.start + pos,
        });
        places.push({ text: w.text, start: token.start, end: token.end });
      }
      const file = texts[w.text].file;
      onProgress?.(++run, toRun, `${hook}: window ${run}/${toRun}${texts.length > 1 ? `, text ${w.text + 1}/${texts.length}` : ''}${file ? ` (${file})` : ''}`);
      await checkpoint(signal);
    }
    offset = end;
  }
  return { matrix: { rows: points.length, cols: d, data: data.subarray(0, points.length * d) }, points, places, totalPoints: total };
}

/** how many windows hold at least one kept position (kept is sorted): the forward passes the sample costs */
function windowsHolding(windows: { ids: number[] }[], kept: number[]): number {
  let count = 0;
  let at = 0;
  let offset = 0;
  for (const w of windows) {
    const end = offset + w.ids.length;
    if (at < kept.length && kept[at] < end) count++;
    while (at < kept.length && kept[at] < end) at++;
    offset = end;
  }
  return count;
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** 1-based line holding UTF-16 offset `at` */
function lineOf(starts: number[], at: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}
