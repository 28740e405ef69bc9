import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { fitToContext } from '../contextWindows';
import { InputError } from '../errors';
import { CancelledError } from '../../protocol/rpc';
import { RunStore, type InternalsContext, type InternalsHandlers } from './context';
import { headStats, maxPoolThumbnail } from './attentionMaps';
import { quantizeU8, type QuantizedU8 } from '../analyses/quantize';
import type { AttentionSummaryResult, HeadStats } from '../../protocol/internals';

/** Above this many tokens, layers are run one at a time so only one layer's fp32 maps exist at once. */
const ALL_LAYERS_AT_ONCE_MAX_TOKENS = 1024;
const THUMB_MAX = 64;

interface AttentionRun {
  /** per layer, per head: [T, T] quantised map and its scale */
  maps: QuantizedU8[][];
  size: number;
  recomputedLayers: Set<number>;
}

/**
 * Attention maps for the attention panel: a summary (thumbnails of every head, per-head
 * statistics) in one call, then one head at full resolution per call, from a quantised copy the
 * engine keeps. fp32 maps exist only while one run's outputs are being reduced.
 */
export function attentionHandlers(ctx: InternalsContext): InternalsHandlers<'attention/summary' | 'attention/head'> {
  const runs = new RunStore<AttentionRun>(3);
  return {
    'attention/summary': async (p, signal): Promise<AttentionSummaryResult> => {
      const t0 = performance.now();
      const m = await ctx.instrumented.load(p.model);
      const { nLayers } = m.info;
      if (nLayers === 0 || m.result.hooks.every((h) => h.kind !== 'pattern')) {
        const why = m.result.unavailable.find((u) => u.name.includes('hook_pattern'))?.reason ?? 'no attention softmax was found in the graph';
        throw new InputError(`${m.base.folder.name} has no attention maps Tensorloupe can show: ${why}.`);
      }
      const all = m.base.tokenizer.encode(p.text);
      const { tokens, truncation } = fitToContext(all, Math.min(p.maxTokens, m.base.lm.contextLength), m.base.tokenizer.bosId);
      const ids = tokens.map((t) => t.id);
      const T = ids.length;
      const layerGroups = T <= ALL_LAYERS_AT_ONCE_MAX_TOKENS ? [Array.from({ length: nLayers }, (_, l) => l)] : Array.from({ length: nLayers }, (_, l) => [l]);
      const maps: AttentionRun['maps'] = [];
      const stats: HeadStats[] = [];
      const thumbSize = Math.min(T, THUMB_MAX);
      let nHeads = m.info.nHeads;
      const thumbs: Uint8Array[] = [];
      for (const group of layerGroups) {
        if (signal.cancelled) throw new CancelledError();
        const acts = await ctx.instrumented.run(m, ids, group.map((l) => `blocks.${l}.attn.hook_pattern`));
        for (const l of group) {
          const a = acts.get(`blocks.${l}.attn.hook_pattern`);
          if (!a) throw new InputError(`Layer ${l}'s attention map is not available.`);
          const heads = a.dims[a.dims.length - 3]; // [batch, head, query_pos, key_pos]
          nHeads = heads;
          maps[l] = [];
          for (let h = 0; h < heads; h++) {
            const map = a.data.subarray(h * T * T, (h + 1) * T * T); // [query_pos, key_pos]
            maps[l][h] = quantizeU8(map);
            thumbs.push(maxPoolThumbnail(map, T, thumbSize));
            stats.push({ layer: l, head: h, ...headStats(map, T, ids) });
          }
          acts.delete(`blocks.${l}.attn.hook_pattern`); // let the fp32 map go before the next layer
        }
      }
      const thumbnails = new Uint8Array(thumbs.length * thumbSize * thumbSize); // [layer, head, s, s]
      thumbs.forEach((t, i) => thumbnails.set(t, i * thumbSize * thumbSize));
      const runId = randomUUID();
      runs.put(runId, { maps, size: T, recomputedLayers: new Set(m.info.recomputedLayers) });
      return {
        model: m.base.info,
        internals: m.info,
        tokens,
        truncation,
        runId,
        nLayers,
        nHeads,
        thumbSize,
        thumbnails,
        stats,
        ms: performance.now() - t0,
      };
    },
    'attention/head': ({ runId, layer, head }) => {
      const run = runs.get(runId);
      if (!run) throw new InputError('That attention run is no longer in the engine: open the attention map again.');
      const map = run.maps[layer]?.[head];
      if (!map) throw new InputError(`There is no head ${head} in layer ${layer}.`);
      return { layer, head, size: run.size, data: map.data, min: map.min, scale: map.scale, recomputed: run.recomputedLayers.has(layer) };
    },
  };
}
