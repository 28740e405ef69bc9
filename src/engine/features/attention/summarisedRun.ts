// The attention summary's runs with the maps reduced inside the graph (patternSummaryGraph.ts):
// one pass, or a long decoder input a chunk of query rows at a time through the KV cache, with one
// session for every length. Maps recomputed from fused attention ops go through HeadAccumulator.addRow.
import type { onnx } from 'onnx-proto';
import type { Tensor } from 'onnxruntime-node';
import { resolveHooks } from '../../instrument/hookNames';
import { pastSlotsOfGraph } from '../../instrument/textFeeds';
import type { InstrumentedLm, InstrumentedModels } from '../../instrumentedModels';
import { HeadAccumulator } from './attentionMaps';
import { addPatternSummaries, defaultOpset, summaryNames } from './patternSummaryGraph';
import { summaryFeeds } from './patternSummaryFeeds';

const PATTERNS = ['blocks.*.attn.hook_pattern'];

/** whether summariseInGraph serves this model: its maps are graph tensors of known layers */
export function summarisableInGraph(m: InstrumentedLm): boolean {
  const hooks = resolveHooks(m.result, PATTERNS);
  return hooks.length > 0 && hooks.every((h) => !h.recomputed && h.layer !== undefined);
}

/**
 * [layer][head] accumulators of every pattern hook over `ids`, from runs whose graph reduced the
 * maps: rows [start, start + chunk) at a time through the KV cache, or in one pass where the model
 * has none. `between` runs after each chunk (a cancellation check).
 */
export async function summariseInGraph(models: InstrumentedModels, m: InstrumentedLm, ids: number[], thumbSize: number, targets: Int32Array,
  chunk: number, between: () => void = () => undefined): Promise<{ maps: HeadAccumulator[][]; nHeads: number }> {
  const hooks = resolveHooks(m.result, PATTERNS);
  const T = ids.length;
  const extension = { key: 'attention-summary', extend: (model: onnx.IModelProto) => addPatternSummaries(model.graph ?? {}, hooks, defaultOpset(model)) };
  const slots = pastSlotsOfGraph(m.result.inputs);
  const step = slots.length > 0 ? Math.max(1, chunk) : T;
  const maps: HeadAccumulator[][] = [];
  let nHeads = m.info.nHeads;
  let past = new Map<string, Tensor>();
  for (let start = 0; start < T; start += step) {
    const end = Math.min(T, start + step);
    const { feeds: extra, placement } = summaryFeeds({ start, end, T, S: thumbSize }, targets);
    const more = end < T; // the KV cache only when a chunk follows
    const fetches = [...hooks.flatMap((h) => Object.values(summaryNames(h))), ...(more ? slots.map((s) => s.present) : [])];
    const out = await models.runExtended(m, ids.slice(start, end), PATTERNS, extension, extra, fetches, { length: start, tensors: past });
    if (more) past = new Map(slots.map((s) => [s.input, out[s.present]]));
    const R = end - start;
    for (const h of hooks) {
      const n = summaryNames(h);
      const q8 = out[n.q8];
      const heads = Number(q8.dims[1]);
      nHeads = heads;
      const f = (name: string) => out[name].data as Float32Array;
      const [max, plogp, pick, pooled] = [f(n.max), f(n.plogp), f(n.pick), f(n.pooled)];
      const data = q8.data as Uint8Array;
      const [cells, bins] = [R * end, placement.rowBins * placement.colBins];
      const layer = h.layer as number;
      maps[layer] ??= Array.from({ length: heads }, () => new HeadAccumulator(T, thumbSize, targets));
      maps[layer].forEach((acc, head) =>
        acc.addSummarised(
          {
            q8: data.subarray(head * cells, (head + 1) * cells),
            max: max.subarray(head * R, (head + 1) * R),
            plogp: plogp.subarray(head * R, (head + 1) * R),
            pick: pick.subarray(head * 3 * R, (head + 1) * 3 * R),
            pooled: pooled.subarray(head * bins, (head + 1) * bins),
          },
          start,
          placement,
        ),
      );
    }
    between();
  }
  return { maps, nHeads };
}
