import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { fitToContext } from '../../contextWindows';
import { InputError } from '../../errors';
import { checkpoint, throwIfCancelled } from '../../cancellation';
import { RunStore } from '../../runStore';
import type { FeatureContext, FeatureHandlers } from '../context';
import { HeadAccumulator, inductionTargets } from './attentionMaps';
import { summarisableInGraph, summariseInGraph } from './summarisedRun';
import type { AttentionSummaryResult, HeadStats } from '../../../protocol/internals';

/**
 * Long inputs run through the KV cache a chunk of query rows at a time, so one chunk's maps hold
 * about this many cells per head (2¹⁸: one pass up to 512 tokens, 128-row chunks at 2048). Twice
 * as many (2¹⁹) measured the same on a 124M model at 1,024 tokens (1.45 s; +650–730 MB peak vs
 * +810–880, both with the lean sessions' arena still off) and slower on a 110M Llama (1.30–1.43 s vs 1.16–1.20; 2,048 tokens 4.0–4.3 s vs 4.0).
 */
const CELLS_PER_CHUNK = 1 << 18;
const THUMB_MAX = 64;
/** Runs kept for head clicks: one panel is open at a time, so the last two (GPT-2 small at 1,024 tokens: 150 MB each) */
const KEPT_RUNS = 2;
const KEPT_BYTES = 192 * 1024 * 1024;

interface AttentionRun {
  /** [layer][head] row-quantised maps */
  maps: HeadAccumulator[][];
  size: number;
  recomputedLayers: Set<number>;
}

/**
 * Attention maps for the attention panel: a summary (thumbnails of every head, per-head
 * statistics) in one call, then one head at full resolution per call, from a uint8 copy the
 * engine keeps. fp32 maps exist only for one chunk of query rows at a time.
 */
export function attentionHandlers(ctx: FeatureContext): FeatureHandlers<'attention/summary' | 'attention/head'> {
  const runs = new RunStore<AttentionRun>(KEPT_RUNS, KEPT_BYTES);
  ctx.whenIdle?.(() => runs.clear());
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
      await checkpoint(signal); // tokenising may have taken long: a cancel that came meanwhile stops here
      const { tokens, truncation } = fitToContext(all, Math.min(p.maxTokens, m.base.lm.contextLength), m.base.tokenizer.bosId);
      const ids = tokens.map((t) => t.id);
      const T = ids.length;
      const thumbSize = Math.min(T, THUMB_MAX);
      const targets = inductionTargets(ids);
      let maps: HeadAccumulator[][] = [];
      let nHeads = m.info.nHeads;
      const chunk = Math.max(64, Math.floor(CELLS_PER_CHUNK / T));
      if (summarisableInGraph(m)) {
        // the maps reduced inside the graph: only uint8 maps and per-row figures come out
        ({ maps, nHeads } = await summariseInGraph(ctx.instrumented, m, ids, thumbSize, targets, chunk, () => throwIfCancelled(signal)));
      } else await ctx.instrumented.runChunked(m, ids, ['blocks.*.attn.hook_pattern'], chunk, async (acts, start, end) => {
        throwIfCancelled(signal);
        for (let l = 0; l < nLayers; l++) {
          const a = acts.get(`blocks.${l}.attn.hook_pattern`); // [batch, head, chunk, keys so far]
          if (!a) throw new InputError(`Layer ${l}'s attention map is not available.`);
          const [, heads, rows, keys] = a.dims;
          nHeads = heads;
          maps[l] ??= Array.from({ length: heads }, () => new HeadAccumulator(T, thumbSize, targets));
          for (let h = 0; h < heads; h++) {
            for (let i = 0; i < rows && start + i < end; i++) {
              const offset = (h * rows + i) * keys;
              maps[l][h].addRow(start + i, a.data.subarray(offset, offset + keys)); // entropy and max in JS over the non-zero keys (attentionMaps.ts)
            }
          }
        }
      });
      const stats: HeadStats[] = [];
      const thumbnails = new Uint8Array(nLayers * nHeads * thumbSize * thumbSize); // [layer, head, s, s]
      maps.forEach((heads, l) =>
        heads.forEach((acc, h) => {
          stats.push({ layer: l, head: h, ...acc.summary() });
          thumbnails.set(acc.thumbnail(), (l * nHeads + h) * thumbSize * thumbSize);
        }),
      );
      const runId = randomUUID();
      const bytes = maps.reduce((sum, heads) => sum + heads.reduce((s, acc) => s + acc.data.byteLength + acc.rowScale.byteLength, 0), 0);
      runs.put(runId, { maps, size: T, recomputedLayers: new Set(m.info.recomputedLayers) }, bytes);
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
      return { layer, head, size: run.size, data: map.data, rowScale: map.rowScale, recomputed: run.recomputedLayers.has(layer) };
    },
  };
}
