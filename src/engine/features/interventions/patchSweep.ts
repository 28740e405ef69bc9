/** Activation patching: run the corrupt prompt with one activation from the clean run put back
 * (resid_pre / attn_out / mlp_out at one layer × position, or one head's z at every position), for
 * every cell, several cells a run in the batch dimension. */
import { CancelledError, type CancelSignal } from '../../../protocol/rpc';
import { Tensor } from 'onnxruntime-node';
import { runPatched, type IvModel, type Patch } from './interventionRunner';
import { pastSlotsOfGraph } from '../../instrument/textFeeds';
import { logitDiffAt } from './interventionMaths';
import type { PatchCell, PatchHook } from '../../../protocol/interventions';

/** tokens a batched run may carry (entries × T); bounds memory as a prompt grows */
const TOKENS_PER_RUN = 2048; // larger batches ran slower per token on one CPU thread (activations leave the cache)
const MAX_BATCH = 256;

/** the first `length` positions of a [batch, heads, past, d_head] cache */
function prefixOf(t: Tensor, length: number): Tensor {
  const [b, h, , d] = t.dims;
  const full = t.dims[2];
  const src = t.data as Float32Array;
  const out = new Float32Array(b * h * length * d);
  for (let i = 0; i < b * h; i++) out.set(src.subarray(i * full * d, i * full * d + length * d), i * length * d);
  return new Tensor('float32', out, [b, h, length, d]);
}

export const pointName = (hook: PatchHook, layer: number): string => (hook === 'z' ? `blocks.${layer}.attn.hook_z` : `blocks.${layer}.hook_${hook}`);

export interface SweepOutput {
  clean: number;
  corrupt: number;
  results: PatchCell[];
  runs: number;
  patches: number;
}

export async function patchSweep(m: IvModel, cleanIds: number[], corruptIds: number[], answer: number, wrong: number,
  hook: PatchHook, layers: number[], threads: number, signal?: CancelSignal, onRun?: (done: number, total: number) => void): Promise<SweepOutput> {
  const T = cleanIds.length;
  const names = layers.map((l) => pointName(hook, l));
  const slots = pastSlotsOfGraph(m.result.inputs);
  // a patch at position p leaves positions < p as the corrupt run had them (attention is causal), so
  // with a KV cache a patch at p runs only tokens p…T-1 on the corrupt run's cache of 0…p-1
  const reuse = hook !== 'z' && slots.length > 0 && slots.every((s) => s.layout === 'split');
  const cleanRun = await runPatched(m, cleanIds, [], names, threads);
  const corruptRun = await runPatched(m, corruptIds, [], [], threads, { presents: reuse });
  const clean = logitDiffAt(cleanRun.logits, cleanRun.vocab, 0, answer, wrong);
  const corrupt = logitDiffAt(corruptRun.logits, corruptRun.vocab, 0, answer, wrong);
  const H = m.result.architecture.nHeads ?? 0;
  const cells: { cell: Omit<PatchCell, 'logitDiff' | 'normalized'>; patch: Patch }[] = [];
  layers.forEach((layer, i) => {
    const value = (cleanRun.reads.get(names[i]) as { data: Float32Array }).data;
    if (hook === 'z') for (let head = 0; head < H; head++) cells.push({ cell: { layer, head }, patch: { point: names[i], heads: [head], value } });
    else for (let position = 0; position < T; position++) cells.push({ cell: { layer, position }, patch: { point: names[i], positions: [position], value } });
  });
  const results: PatchCell[] = [];
  // groups of cells that share a suffix (reuse: the same position; else all of them)
  const groups = new Map<number, typeof cells>();
  for (const c of cells) {
    const from = reuse ? (c.cell.position as number) : 0;
    groups.set(from, [...(groups.get(from) ?? []), c]);
  }
  const chunks: { from: number; cells: typeof cells }[] = [];
  for (const [from, list] of groups) {
    const batch = Math.max(1, Math.min(MAX_BATCH, Math.floor(TOKENS_PER_RUN / (T - from))));
    for (let start = 0; start < list.length; start += batch) chunks.push({ from, cells: list.slice(start, start + batch) });
  }
  let runs = 2;
  for (const [i, chunk] of chunks.entries()) {
    if (signal?.cancelled) throw new CancelledError();
    const { from } = chunk;
    const past = from > 0 && corruptRun.presents ? new Map([...corruptRun.presents].map(([k, t]) => [k, prefixOf(t, from)])) : undefined;
    // the patch values and positions, cut to the suffix
    const entries: Patch[][] = chunk.cells.map((c) => [from === 0 ? c.patch : {
      ...c.patch, positions: [0], value: (c.patch.value as Float32Array).subarray(from * (c.patch.value as Float32Array).length / T),
    }]);
    const r = await runPatched(m, corruptIds.slice(from), entries, [], threads, past ? { prefix: { length: from, past } } : {});
    runs++;
    chunk.cells.forEach((c, b) => {
      const logitDiff = logitDiffAt(r.logits, r.vocab, b, answer, wrong);
      results.push({ ...c.cell, logitDiff, normalized: clean === corrupt ? Number.NaN : (logitDiff - corrupt) / (clean - corrupt) });
    });
    onRun?.(i + 1, chunks.length);
  }
  results.sort((a, b) => a.layer - b.layer || (a.position ?? a.head ?? 0) - (b.position ?? b.head ?? 0));
  return { clean, corrupt, results, runs, patches: cells.length };
}
