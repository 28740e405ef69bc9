/** Head ablation: every chosen head's z (TransformerLens hook_z) replaced by 0 or by its mean over the
 * text's positions, in one run beside the clean one (zero) or after it (mean, which needs the clean z). */
import { runPatched, type IvModel, type Patch } from './interventionRunner';
import type { HeadRef } from '../../../protocol/interventions';

export interface AblationLogits {
  /** [T, vocab] */
  clean: Float32Array;
  ablated: Float32Array;
  vocab: number;
}

function byLayer(heads: HeadRef[]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const h of heads) out.set(h.layer, [...new Set([...(out.get(h.layer) ?? []), h.head])]);
  return out;
}

/** z [1, T, H, dh] → every position holding the mean over positions */
function meanOverPositions(z: Float32Array, T: number): Float32Array {
  const per = z.length / T;
  const mean = new Float64Array(per);
  for (let t = 0; t < T; t++) for (let i = 0; i < per; i++) mean[i] += z[t * per + i];
  const out = new Float32Array(z.length);
  for (let t = 0; t < T; t++) for (let i = 0; i < per; i++) out[t * per + i] = mean[i] / T;
  return out;
}

export async function ablateHeads(m: IvModel, ids: number[], heads: HeadRef[], mode: 'zero' | 'mean', threads: number): Promise<AblationLogits> {
  const layers = byLayer(heads);
  const T = ids.length;
  if (mode === 'zero') {
    const patches: Patch[] = [...layers].map(([layer, hs]) => ({ point: `blocks.${layer}.attn.hook_z`, heads: hs }));
    const r = await runPatched(m, ids, [[], patches], [], threads, { allPositions: true });
    const per = T * r.vocab;
    return { clean: r.logits.subarray(0, per), ablated: r.logits.subarray(per, 2 * per), vocab: r.vocab };
  }
  const reads = [...layers.keys()].map((l) => `blocks.${l}.attn.hook_z`);
  const clean = await runPatched(m, ids, [], reads, threads, { allPositions: true });
  const patches: Patch[] = [...layers].map(([layer, hs]) => ({
    point: `blocks.${layer}.attn.hook_z`, heads: hs, value: meanOverPositions((clean.reads.get(`blocks.${layer}.attn.hook_z`) as { data: Float32Array }).data, T),
  }));
  const r = await runPatched(m, ids, [patches], [], threads, { allPositions: true });
  return { clean: clean.logits, ablated: r.logits, vocab: r.vocab };
}
