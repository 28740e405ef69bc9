/** Turn what the detectors found into TransformerLens-named hooks, with a reason for every map that
 * cannot be shown. Layer numbers come from the residual chain (topology), never from tensor names. */
import type { SoftmaxAttention } from './detectSoftmax.js';
import type { FusedAttention } from './detectFused.js';
import type { ResidualBlock, ResidualStream } from './detectResidual.js';
import type { HookInfo } from './types.js';

export interface HookPlan {
  hooks: HookInfo[];
  unavailable: { name: string; reason: string }[];
  nLayers: number;
}

export function buildHooks(softmax: SoftmaxAttention[], fused: FusedAttention[], stream: ResidualStream): HookPlan {
  const hooks: HookInfo[] = [];
  const unavailable: HookPlan['unavailable'] = [];
  const softmaxByNode = new Map(softmax.map((s) => [s.node, s]));
  const fusedByNode = new Map(fused.map((f) => [f.node, f]));
  // without a residual chain fall back to one layer per attention node, in topological order
  const blocks: (Partial<ResidualBlock> & { attention: number[] })[] = stream.blocks.length
    ? stream.blocks
    : [...softmax.map((s) => s.node), ...fused.map((f) => f.node)].sort((a, b) => a - b).map((n) => ({ attention: [n] }));
  if (stream.embed) hooks.push({ name: 'hook_embed', onnxName: stream.embed, kind: 'embed' });
  blocks.forEach((b, layer) => {
    if (b.residPre && b.residPost) {
      hooks.push({ name: `blocks.${layer}.hook_resid_pre`, onnxName: b.residPre, layer, kind: 'resid_pre' });
      if (b.residMid) hooks.push({ name: `blocks.${layer}.hook_resid_mid`, onnxName: b.residMid, layer, kind: 'resid_mid' });
      hooks.push({ name: `blocks.${layer}.hook_resid_post`, onnxName: b.residPost, layer, kind: 'resid_post' });
    }
    const name = `blocks.${layer}.attn.hook_pattern`;
    const attn = b.attention;
    if (attn.length > 1) {
      unavailable.push({ name, reason: `block ${layer} has ${attn.length} attention ops (e.g. self + cross attention); only single-attention blocks are mapped` });
      return;
    }
    const node = attn[0];
    const sm = node === undefined ? undefined : softmaxByNode.get(node);
    const fu = node === undefined ? undefined : fusedByNode.get(node);
    if (sm) hooks.push({ name, onnxName: sm.probs, layer, kind: 'pattern' });
    else if (fu?.probsOutput) hooks.push({ name, onnxName: fu.probsOutput, layer, kind: 'pattern' });
    else if (fu?.spec) hooks.push({ name, onnxName: fu.spec.q.onnxName, layer, kind: 'pattern', recomputed: fu.spec });
    else if (fu) unavailable.push({ name, reason: fu.reason ?? 'unsupported fused attention op' });
    else unavailable.push({ name, reason: `no Softmax fed by a Q·Kᵀ MatMul (and no known fused attention op) was found in block ${layer}'s attention branch` });
  });
  if (stream.finalNorm) hooks.push({ name: 'ln_final.hook_normalized', onnxName: stream.finalNorm.output, kind: 'normalized' });
  else unavailable.push({ name: 'ln_final.hook_normalized', reason: 'no normalisation (LayerNorm/RMSNorm) was found after the last residual Add' });
  if (!stream.blocks.length) {
    for (const kind of ['hook_embed', 'blocks.*.hook_resid_pre', 'blocks.*.hook_resid_mid', 'blocks.*.hook_resid_post'])
      unavailable.push({ name: kind, reason: 'no residual Add chain (x + f(x) with a MatMul in f) was found in the graph' });
  }
  return { hooks, unavailable, nLayers: blocks.length };
}
