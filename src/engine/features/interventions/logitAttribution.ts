/** Direct logit attribution (TransformerLens's decompose_resid / stack_head_results with apply_ln):
 * the residual stream at the last position, split into the embedding, every head's result, every MLP
 * and a constant part, each read through the final norm with its scale frozen at the real stream's.
 *
 * A head's result z_h·W_O[h] is read from the graph without parsing weights: attn_out is linear in z,
 * so attn_out with only head h's z kept minus attn_out with every head's z zeroed (= the output bias
 * b_O) is exactly head h's result. Each layer's heads are one batched run of H + 1 entries. */
import { InputError } from '../../errors';
import { CancelledError, type CancelSignal } from '../../../protocol/rpc';
import { interventionsOf, runPatched, type IvModel, type Patch } from './interventionRunner';
import type { LensParams } from '../../instrument/lensParams';

export interface Attribution {
  logit: number;
  components: { name: string; value: number }[];
  sum: number;
  norm: 'layernorm' | 'rmsnorm';
}

/** row `t` of a [1 or B, T, d] tensor at batch entry b */
const rowAt = (data: Float32Array, b: number, T: number, d: number, t: number): Float32Array => data.subarray((b * T + t) * d, (b * T + t + 1) * d);

export async function logitAttribution(m: IvModel, ids: number[], target: number, vs: number | undefined, params: LensParams, threads: number,
  signal?: CancelSignal): Promise<Attribution> {
  if (m.result.architecture.layerNorm === 'post') {
    throw new InputError('Direct logit attribution needs a pre-LN model: in a post-LN model each block\'s output is normalised before the next block reads it, so the final stream is not a sum of the components.');
  }
  const L = m.result.architecture.nLayers;
  const H = m.result.architecture.nHeads ?? 0;
  const T = ids.length;
  const d = params.unembed.dModel;
  const last = T - 1;
  const iv = await interventionsOf(m);
  const split = !!(iv.reads.embed && iv.reads.pos_embed);
  const mlp = Array.from({ length: L }, (_, l) => `blocks.${l}.hook_mlp_out`).filter((n) => iv.reads[n]);
  const finalName = `blocks.${L - 1}.hook_resid_post`;
  if (!iv.reads[finalName]) throw new InputError(`${finalName} was not found, so the final stream cannot be decomposed.`);
  const embedReads = split ? ['embed', 'pos_embed'] : ['blocks.0.hook_resid_pre'];
  const clean = await runPatched(m, ids, [], [...embedReads, ...mlp, finalName], threads);
  const vec = (name: string): Float32Array => rowAt((clean.reads.get(name) as { data: Float32Array }).data, 0, T, d, last);
  const parts: { name: string; v: Float32Array }[] = [];
  if (split) parts.push({ name: 'embed', v: vec('embed') }, { name: 'pos_embed', v: vec('pos_embed') });
  else parts.push({ name: 'embed', v: vec('blocks.0.hook_resid_pre') });
  const constant = new Float64Array(d); // Σ b_O, carried into `bias`
  for (let l = 0; l < L; l++) {
    if (signal?.cancelled) throw new CancelledError(); // one batched run per layer: checked between them
    const point = `blocks.${l}.attn.hook_z`;
    const out = `blocks.${l}.hook_attn_out`;
    if (!iv.inputs[point] || !iv.reads[out]) throw new InputError(`${point} cannot be intervened on here (${iv.unavailable.find((u) => u.name === point)?.reason ?? 'not found'}), so block ${l}'s heads cannot be separated.`);
    const entries: Patch[][] = Array.from({ length: H }, (_, h) => [{ point, heads: Array.from({ length: H }, (_, k) => k).filter((k) => k !== h) }]);
    entries.push([{ point }]);
    const r = await runPatched(m, ids, entries, [out], threads);
    const data = (r.reads.get(out) as { data: Float32Array }).data;
    const bias = rowAt(data, H, T, d, last);
    for (let i = 0; i < d; i++) constant[i] += bias[i];
    for (let h = 0; h < H; h++) {
      const only = rowAt(data, h, T, d, last);
      parts.push({ name: `blocks.${l}.attn.hook_result.${h}`, v: Float32Array.from(only, (x, i) => x - bias[i]) });
    }
    if (mlp.includes(`blocks.${l}.hook_mlp_out`)) parts.push({ name: `blocks.${l}.hook_mlp_out`, v: vec(`blocks.${l}.hook_mlp_out`) });
  }
  // the frozen scale: the final norm's denominator for the real stream at the last position
  const x = vec(finalName);
  const { norm, unembed } = params;
  const centre = norm.kind === 'layernorm';
  let mu = 0;
  if (centre) { for (const v of x) mu += v; mu /= d; }
  let sq = 0;
  for (const v of x) sq += (v - mu) * (v - mu);
  const sigma = Math.sqrt(sq / d + norm.eps);
  const V = unembed.vocab;
  const dir = new Float64Array(d); // γ ⊙ (W_U[:, target] − W_U[:, vs]) / σ
  for (let i = 0; i < d; i++) dir[i] = (norm.weight[i] * (unembed.weight[i * V + target] - (vs === undefined ? 0 : unembed.weight[i * V + vs]))) / sigma;
  const project = (c: ArrayLike<number>): number => {
    let mean = 0;
    if (centre) { for (let i = 0; i < d; i++) mean += c[i]; mean /= d; }
    let s = 0;
    for (let i = 0; i < d; i++) s += (c[i] - mean) * dir[i];
    return s;
  };
  const components = parts.map((p) => ({ name: p.name, value: project(p.v) }));
  // bias: the output biases through the norm, the norm's shift and the unembedding's bias, on the direction
  let bias = project(constant);
  for (let i = 0; i < d; i++) bias += (norm.bias?.[i] ?? 0) * (unembed.weight[i * V + target] - (vs === undefined ? 0 : unembed.weight[i * V + vs]));
  if (unembed.bias) bias += unembed.bias[target] - (vs === undefined ? 0 : unembed.bias[vs]);
  components.push({ name: 'bias', value: bias });
  const logit = clean.logits[target] - (vs === undefined ? 0 : clean.logits[vs]);
  return { logit, components, sum: components.reduce((s, c) => s + c.value, 0), norm: norm.kind };
}
