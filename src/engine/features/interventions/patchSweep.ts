/** Activation patching: run the corrupt prompt with one activation from the clean run put back
 * (resid_pre / attn_out / mlp_out at one layer × position, or one head's z at every position), for
 * every cell, several cells a run in the batch dimension. */
import { CancelledError, type CancelSignal } from '../../../protocol/rpc';
import { runPatched, type IvModel, type Patch } from './interventionRunner';
import { logitDiffAt } from './interventionMaths';
import type { PatchCell, PatchHook } from '../../../protocol/interventions';

/** tokens a batched run may carry (entries × T); bounds memory as a prompt grows */
const TOKENS_PER_RUN = 8192;
const MAX_BATCH = 256;

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
  const cleanRun = await runPatched(m, cleanIds, [], names, threads);
  const corruptRun = await runPatched(m, corruptIds, [], [], threads);
  const clean = logitDiffAt(cleanRun.logits, cleanRun.vocab, 0, answer, wrong);
  const corrupt = logitDiffAt(corruptRun.logits, corruptRun.vocab, 0, answer, wrong);
  const H = m.result.architecture.nHeads ?? 0;
  const cells: { cell: Omit<PatchCell, 'logitDiff' | 'normalized'>; patch: Patch }[] = [];
  layers.forEach((layer, i) => {
    const value = (cleanRun.reads.get(names[i]) as { data: Float32Array }).data;
    if (hook === 'z') for (let head = 0; head < H; head++) cells.push({ cell: { layer, head }, patch: { point: names[i], heads: [head], value } });
    else for (let position = 0; position < T; position++) cells.push({ cell: { layer, position }, patch: { point: names[i], positions: [position], value } });
  });
  const batch = Math.max(1, Math.min(MAX_BATCH, Math.floor(TOKENS_PER_RUN / T)));
  const results: PatchCell[] = [];
  const total = Math.ceil(cells.length / batch);
  let runs = 2;
  for (let start = 0; start < cells.length; start += batch) {
    if (signal?.cancelled) throw new CancelledError();
    const chunk = cells.slice(start, start + batch);
    const r = await runPatched(m, corruptIds, chunk.map((c) => [c.patch]), [], threads);
    runs++;
    chunk.forEach((c, b) => {
      const logitDiff = logitDiffAt(r.logits, r.vocab, b, answer, wrong);
      results.push({ ...c.cell, logitDiff, normalized: clean === corrupt ? Number.NaN : (logitDiff - corrupt) / (clean - corrupt) });
    });
    onRun?.(start / batch + 1, total);
  }
  return { clean, corrupt, results, runs, patches: cells.length };
}
