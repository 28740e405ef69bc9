/** The hooks the residual branches add for reading (exports, Model Info): blocks.{L}.hook_attn_out,
 * blocks.{L}.hook_mlp_out and blocks.{L}.attn.hook_z (a Reshape of the output projection's input to
 * [batch, pos, head, d_head]). Found by interventionPoints.ts, the same places interventions act on. */
import type { onnx } from 'onnx-proto';
import type { GraphIndex } from './graphIndex.js';
import type { HookPlan } from './buildHooks.js';
import { findInterventionPoints } from './interventionPoints.js';
import type { HookInfo, InstrumentResult } from './types.js';

export function branchHooks(g: GraphIndex, plan: HookPlan, nHeads: number | undefined): { hooks: HookInfo[]; extraNodes: onnx.INodeProto[] } {
  const partial = { hooks: plan.hooks, architecture: { nLayers: plan.nLayers, nHeads } } as unknown as InstrumentResult;
  const hooks: HookInfo[] = [];
  const extraNodes: onnx.INodeProto[] = [];
  for (const p of findInterventionPoints(g, partial).points) {
    if (p.hook === 'resid_pre') continue; // already a hook
    if (p.hook !== 'z' || !p.zLayout) {
      hooks.push({ name: p.name, onnxName: p.tensor, layer: p.layer, kind: p.hook });
      continue;
    }
    const out = `tensorloupe/z/${p.layer}`;
    extraNodes.push(
      { opType: 'Constant', output: [`${out}/shape`], name: `${out}/shape`, attribute: [{ name: 'value', type: 4, t: { dims: [4], dataType: 7, int64Data: [0, 0, p.zLayout.heads, -1] } }] },
      { opType: 'Reshape', input: [p.tensor, `${out}/shape`], output: [out], name: out },
    );
    hooks.push({ name: p.name, onnxName: out, layer: p.layer, kind: 'z' });
  }
  return { hooks, extraNodes };
}
