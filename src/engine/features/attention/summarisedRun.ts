// The attention summary's single-pass runs with the maps reduced inside the graph
// (patternSummaryGraph.ts); chunked runs and recomputed maps go through HeadAccumulator.addRow.
import type { onnx } from 'onnx-proto';
import { Tensor } from 'onnxruntime-node';
import { resolveHooks } from '../../instrument/hookNames';
import { pastSlotsOfGraph } from '../../instrument/textFeeds';
import type { InstrumentedLm, InstrumentedModels } from '../../instrumentedModels';
import { HeadAccumulator } from './attentionMaps';
import { addPatternSummaries, defaultOpset, summaryFeeds, summaryNames } from './patternSummaryGraph';

const PATTERNS = ['blocks.*.attn.hook_pattern'];

/** whether summariseInGraph serves these T tokens: one pass (runChunked's rule) over maps that are graph tensors */
export function summarisableInGraph(m: InstrumentedLm, T: number, chunk: number): boolean {
  const hooks = resolveHooks(m.result, PATTERNS);
  const onePass = T <= chunk || pastSlotsOfGraph(m.result.inputs).length === 0;
  return onePass && hooks.length > 0 && hooks.every((h) => !h.recomputed && h.layer !== undefined);
}

/** [layer][head] accumulators of every pattern hook over `ids`, from one run whose graph reduced the maps. */
export async function summariseInGraph(models: InstrumentedModels, m: InstrumentedLm, ids: number[], thumbSize: number, targets: Int32Array): Promise<{ maps: HeadAccumulator[][]; nHeads: number }> {
  const hooks = resolveHooks(m.result, PATTERNS);
  const T = ids.length;
  const extension = { key: 'attention-summary', extend: (model: onnx.IModelProto) => addPatternSummaries(model.graph ?? {}, hooks, defaultOpset(model)) };
  const extra = Object.fromEntries(Object.entries(summaryFeeds(T, thumbSize, targets)).map(([name, t]) => [name, new Tensor('int64', t.data, t.dims)]));
  const fetches = hooks.flatMap((h) => Object.values(summaryNames(h)));
  const out = await models.runExtended(m, ids, hooks.map((h) => h.name), extension, extra, fetches);
  const maps: HeadAccumulator[][] = [];
  let nHeads = m.info.nHeads;
  for (const h of hooks) {
    const n = summaryNames(h);
    const q8 = out[n.q8];
    const heads = Number(q8.dims[1]);
    nHeads = heads;
    const f = (name: string) => out[name].data as Float32Array;
    const [max, plogp, pick, pooled] = [f(n.max), f(n.plogp), f(n.pick), f(n.pooled)];
    const data = q8.data as Uint8Array;
    const layer = h.layer as number;
    maps[layer] = Array.from({ length: heads }, (_, head) => {
      const acc = new HeadAccumulator(T, thumbSize, targets);
      acc.addSummarised({
        q8: data.subarray(head * T * T, (head + 1) * T * T),
        max: max.subarray(head * T, (head + 1) * T),
        plogp: plogp.subarray(head * T, (head + 1) * T),
        pick: pick.subarray(head * 3 * T, (head + 1) * 3 * T),
        pooled: pooled.subarray(head * thumbSize * thumbSize, (head + 1) * thumbSize * thumbSize),
      });
      return acc;
    });
  }
  return { maps, nHeads };
}
