import { Tensor } from 'onnxruntime-node';
import { fetchActivations, type Activations } from '../../instrument/fetchActivations';
import { applyFinalNorm, unembed } from '../../analyses/logitLens';
import { topClasses } from '../../runners/visionClassifier';
import { ModelLoadError } from '../../errors';
import type { LensParams } from '../../instrument/lensParams';
import type { PixelValues } from '../../preprocess/image/imageProcessor';
import type { ImagePrediction } from '../../../protocol/vision';
import type { LoadedVision, VisionModels } from './visionModels';

export interface ImageRun {
  /** per layer: [heads, T, T] softmax rows */
  patterns: Float32Array[];
  /** per layer: [T, d_model], the stream after the block */
  residPost: Float32Array[];
  tokens: number;
  heads: number;
  dModel: number;
}

/** One forward pass of the instrumented graph for every layer's pattern and resid_post. */
export async function runInternals(models: VisionModels, m: LoadedVision, pv: PixelValues): Promise<ImageRun> {
  const result = await models.instrumented(m);
  const layers = result.architecture.nLayers;
  const names = ['blocks.*.attn.hook_pattern', 'blocks.*.hook_resid_post'];
  const session = await models.session(m, names);
  const feeds = { [m.runner.inputName]: new Tensor('float32', pv.data, [1, 3, pv.height, pv.width]) };
  let acts: Activations;
  try {
    acts = await fetchActivations(session, result, feeds, names);
  } catch (error) {
    throw new ModelLoadError(`${m.runner.name}: the instrumented forward pass failed (${(error as Error).message}).`);
  }
  const patterns: Float32Array[] = [];
  const residPost: Float32Array[] = [];
  let tokens = 0;
  let heads = 0;
  let dModel = 0;
  for (let l = 0; l < layers; l++) {
    const p = acts.get(`blocks.${l}.attn.hook_pattern`); // [1, heads, T, T]
    const r = acts.get(`blocks.${l}.hook_resid_post`); // [1, T, d_model]
    if (!p) throw new ModelLoadError(`${m.runner.name}: no attention pattern was found at layer ${l} (${result.unavailable.map((u) => u.reason).join('; ') || 'no Softmax between Q·Kᵀ and ·V'}).`);
    heads = p.dims[1];
    tokens = p.dims[3];
    patterns.push(p.data);
    if (r) {
      dModel = r.dims[2];
      residPost.push(r.data);
    }
  }
  return { patterns, residPost, tokens, heads, dModel };
}

/**
 * Whether the final norm + the classifier found in the graph, applied to CLS after the last block,
 * give the model's own logits: false for heads that read more than CLS (DeiT's distillation token
 * averaged in, mean pooling), where a CLS lens would be a different model's prediction.
 */
export function lensMatchesLogits(run: ImageRun, lens: LensParams, logits: Float32Array): boolean {
  const last = run.residPost[run.residPost.length - 1];
  if (!last || lens.unembed.vocab !== logits.length || lens.unembed.dModel !== run.dModel) return false;
  const got = unembed(applyFinalNorm(last.subarray(0, run.dModel), run.dModel, lens.norm), lens.unembed);
  let max = 0;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, Math.abs(got[i] - logits[i]));
  return max <= 1e-3;
}

/** CLS (token 0) after each block through the final norm and classifier: the logit lens for vision. */
export function clsLens(run: ImageRun, lens: LensParams, labels: readonly string[], k: number): { layer: number; top: ImagePrediction[] }[] {
  return run.residPost.map((resid, layer) => {
    const cls = resid.subarray(0, run.dModel);
    const logits = unembed(applyFinalNorm(cls, run.dModel, lens.norm), lens.unembed);
    return { layer, top: topClasses(logits, labels, k) };
  });
}

/** [layers, heads, patches]: attention from CLS to each patch, per head */
export function clsMaps(run: ImageRun, prefix: number): Float32Array {
  const T = run.tokens;
  const P = T - prefix;
  const out = new Float32Array(run.patterns.length * run.heads * P);
  run.patterns.forEach((p, l) => {
    for (let h = 0; h < run.heads; h++) out.set(p.subarray(h * T * T + prefix, h * T * T + T), (l * run.heads + h) * P);
  });
  return out;
}

/** [patches]: one token's attention to each patch at a layer, one head or their mean (head -1) */
export function tokenAttention(run: ImageRun, layer: number, head: number, token: number, prefix: number): Float32Array {
  const T = run.tokens;
  const P = T - prefix;
  const p = run.patterns[layer];
  const out = new Float32Array(P);
  const heads = head < 0 ? Array.from({ length: run.heads }, (_, h) => h) : [head];
  for (const h of heads) for (let j = 0; j < P; j++) out[j] += p[h * T * T + token * T + prefix + j] / heads.length;
  return out;
}
