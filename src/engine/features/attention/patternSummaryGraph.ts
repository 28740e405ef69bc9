// The attention panel's reductions of every head's map, inside the instrumented graph: only small
// tensors leave onnxruntime. Per pattern P (read as [1, heads, rows, keys]: all T rows in one pass,
// or a chunk of rows over the keys so far when a long input runs through the KV cache):
//   q8     uint8 copy, round(P · 255 / rowMax)            [1, h, rows, keys]  (the map kept for head clicks)
//   max    the row maxima (rowScale = max / 255)          [1, h, rows, 1]
//   plogp  Σ_k P·ln P per row (−entropy, nats)            [1, h, rows]
//          where P is a float32 Softmax(s) over the keys: Σ_k P·(s − max s) + ln max P, which is the
//          same sum (ln P = s − max s + ln max P) without a Log per cell; otherwise Σ P·ln max(P, tiny)
//   pick   P at flat cells the caller names               [1, h, G]           (first token, previous token, induction)
//   pooled the thumbnail: the maximum of each bin          [1, h, Sr, Sc]      (the bins these rows and keys reach)
// Why: fetched as float32 (151 MB at 512 tokens on a 12 × 12-head model) and reduced in JavaScript
// (a log per cell, a quantise-and-pool pass, subarrays per row), the maps cost 60–75 % of a 124M
// model's forward pass on top of it. The JavaScript path (attentionMaps.ts HeadAccumulator.addRow)
// remains the definition and serves maps recomputed from fused attention ops. The feeds that
// say which rows, keys and bins a run holds are in patternSummaryFeeds.ts.
import type { onnx } from 'onnx-proto';
import { FLOAT, INT64 } from '../../smallGraphs/smallGraphs';
import type { HookInfo } from '../../instrument/types';

const UINT8 = 2;
/** below every attention probability worth a bit of entropy: p·ln(max(p, TINY)) is 0 at p = 0 and p·ln p above it */
const TINY = 1e-30;
/** float32's lowest: a −∞ score (a mask) clamped to it gives P·(s − max s) = 0·(−3.4e38) = 0, not 0·(−∞) = NaN */
const LOWEST = -3.4028234663852886e38;
const FLOAT16 = 10;
const BFLOAT16 = 16;
const DOUBLE = 11;

/** graph inputs the summary reads, fed on every run (summaryFeeds) */
export const SUMMARY_INPUTS = { shape: 'tl_attn_shape', rowsShape: 'tl_attn_rows_shape', pick: 'tl_attn_pick', rowBins: 'tl_attn_row_bins', colBins: 'tl_attn_col_bins', rowShape: 'tl_attn_row_shape', colShape: 'tl_attn_col_shape' } as const;

export interface SummaryNames {
  q8: string;
  max: string;
  plogp: string;
  pick: string;
  pooled: string;
}

export function summaryNames(hook: HookInfo): SummaryNames {
  const at = (what: string) => `${hook.onnxName}::tl_${what}`;
  return { q8: at('q8'), max: at('max'), plogp: at('plogp'), pick: at('pick'), pooled: at('pooled') };
}

/** the default-domain opset of a model (1 when it says none) */
export function defaultOpset(model: onnx.IModelProto): number {
  const entry = (model.opsetImport ?? []).find((o) => !o.domain);
  return Number(entry?.version ?? 1);
}

/**
 * Whether every floating-point tensor of `graph` (and of its subgraphs) is float32: no half,
 * bfloat16 or double initializer, input, constant, cast or dtype attribute anywhere. Softmax only
 * takes floating types, so in such a graph every attention map is float32. (Without onnxruntime's
 * type inference the graph's own types are not known tensor by tensor.)
 */
export function allFloat32(graph: onnx.IGraphProto): boolean {
  const wide = (t: number | null | undefined) => t === FLOAT16 || t === BFLOAT16 || t === DOUBLE;
  if ((graph.initializer ?? []).some((i) => wide(i.dataType))) return false;
  if ([...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])].some((v) => wide(v.type?.tensorType?.elemType))) return false;
  for (const n of graph.node ?? []) {
    for (const a of n.attribute ?? []) {
      if ((a.name === 'to' || a.name === 'dtype') && wide(Number(a.i))) return false;
      if (a.t && wide(a.t.dataType)) return false;
      if (a.g && !allFloat32(a.g)) return false;
      if ((a.graphs ?? []).some((g) => !allFloat32(g))) return false;
    }
  }
  return true;
}

/**
 * The scores s of `probs` = Softmax(s) over the last axis, when `graph` makes it so (axis −1, the
 * default from opset 13, or 3: the key axis of the [batch, heads, q, k] layout; 2 would be the
 * query axis there); undefined for anything else (a map recomputed, cast or made by another op).
 */
export function softmaxScores(graph: onnx.IGraphProto, probs: string, opset: number): string | undefined {
  const node = (graph.node ?? []).find((n) => n.output?.[0] === probs);
  if (!node || node.opType !== 'Softmax' || (node.domain && node.domain !== 'ai.onnx')) return undefined;
  const axis = node.attribute?.find((a) => a.name === 'axis');
  const lastAxis = axis === undefined ? opset >= 13 : Number(axis.i) === -1 || Number(axis.i) === 3;
  return lastAxis ? (node.input?.[0] ?? undefined) : undefined;
}

/**
 * Adds the summaries of `hooks` to `graph`'s outputs in place of their pattern tensors, with the
 * nodes, inputs and constants they need. The graph is pruned afterwards.
 */
export function addPatternSummaries(graph: onnx.IGraphProto, hooks: HookInfo[], opset: number): void {
  const nodes = graph.node ?? (graph.node = []);
  // onnxruntime's default order is a reverse depth-first walk from the graph's leaves, the leaf
  // with the highest node index first: a layer's summary runs right after its own layer when the
  // layers' summaries come last in the list in reverse, the first layer's at the very end. (Appended
  // in layer order they waited for the whole forward, and every layer's map stayed allocated.)
  const perHook: { layer: number; nodes: onnx.INodeProto[] }[] = [];
  const inits = graph.initializer ?? (graph.initializer = []);
  const scalar = (name: string, v: number): string => {
    inits.push({ name, dims: [], dataType: FLOAT, floatData: [v] });
    return name;
  };
  const ints = (name: string, values: number[]): string => {
    inits.push({ name, dims: [values.length], dataType: INT64, int64Data: values });
    return name;
  };
  const float32Only = allFloat32(graph);
  const c255 = scalar('tl_attn_255', 255);
  const cHalf = scalar('tl_attn_half', 0.5);
  const cTiny = scalar('tl_attn_tiny', TINY);
  const cLowest = scalar('tl_attn_lowest', LOWEST);
  const flatShape = ints('tl_attn_flat', [0, 0, -1]);
  const flatAll = ints('tl_attn_flat_all', [-1]);
  const lastAxis = ints('tl_attn_axis_last', [-1]);
  const axis3 = ints('tl_attn_axis3', [3]);
  const axis4 = ints('tl_attn_axis4', [4]);
  const reduce = (op: 'ReduceMax' | 'ReduceSum', input: string, output: string, axes: string, axesValue: number, keepdims: number): onnx.INodeProto => {
    const inputAxes = op === 'ReduceSum' ? opset >= 13 : opset >= 18;
    return {
      opType: op,
      input: inputAxes ? [input, axes] : [input],
      output: [output],
      attribute: [{ name: 'keepdims', type: 2, i: keepdims }, ...(inputAxes ? [] : [{ name: 'axes', type: 7, ints: [axesValue] }])],
    };
  };
  const io = (name: string, dims: (number | string)[], elemType: number): onnx.IValueInfoProto => ({
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  });
  graph.input = [
    ...(graph.input ?? []),
    io(SUMMARY_INPUTS.shape, [4], INT64),
    io(SUMMARY_INPUTS.rowsShape, [2], INT64),
    io(SUMMARY_INPUTS.pick, ['tl_g'], INT64),
    io(SUMMARY_INPUTS.rowBins, ['tl_rb'], INT64),
    io(SUMMARY_INPUTS.colBins, ['tl_cb'], INT64),
    io(SUMMARY_INPUTS.rowShape, [5], INT64),
    io(SUMMARY_INPUTS.colShape, [5], INT64),
  ];
  const outputs: onnx.IValueInfoProto[] = [];
  hooks.forEach((hook, i) => {
    const n = summaryNames(hook);
    const t = (what: string) => `tl_attn${i}_${what}`;
    const scores = float32Only ? softmaxScores(graph, hook.onnxName, opset) : undefined;
    const own: onnx.INodeProto[] = [];
    perHook.push({ layer: hook.layer ?? i, nodes: own });
    own.push(
      // [batch·heads, q, k] (fairseq) and [batch, heads, q, k] alike: batch 1, heads inferred
      { opType: 'Reshape', input: [hook.onnxName, SUMMARY_INPUTS.shape], output: [t('p4')] },
      { opType: 'Cast', input: [t('p4')], output: [t('p')], attribute: [{ name: 'to', type: 2, i: FLOAT }] },
      reduce('ReduceMax', t('p'), n.max, lastAxis, -1, 1),
      { opType: 'Max', input: [n.max, cTiny], output: [t('mx_safe')] },
      ...(opset >= 13
        ? [
            // one pass: QuantizeLinear per row (its axis 0 of [heads·rows, keys]), scale max / 255, zero point 0
            // (it rounds half to even where a Uint8Array store of p·255/max + 0.5 rounds half up: a rare level apart)
            { opType: 'Div', input: [t('mx_safe'), c255], output: [t('scale4')] },
            { opType: 'Reshape', input: [t('scale4'), flatAll], output: [t('scale')] },
            { opType: 'Reshape', input: [t('p'), SUMMARY_INPUTS.rowsShape], output: [t('p2')] },
            { opType: 'QuantizeLinear', input: [t('p2'), t('scale')], output: [t('q2')], attribute: [{ name: 'axis', type: 2, i: 0 }] },
            { opType: 'Reshape', input: [t('q2'), SUMMARY_INPUTS.shape], output: [n.q8] },
          ]
        : [
            { opType: 'Div', input: [c255, t('mx_safe')], output: [t('inv')] },
            { opType: 'Mul', input: [t('p'), t('inv')], output: [t('scaled')] },
            { opType: 'Add', input: [t('scaled'), cHalf], output: [t('rounded')] },
            // Cast truncates, as a Uint8Array store does: round half up for p ≥ 0
            { opType: 'Cast', input: [t('rounded')], output: [n.q8], attribute: [{ name: 'to', type: 2, i: UINT8 }] },
          ]),
      ...(scores
        ? [
            // Σ P·(s − max s) + ln max P: a subtraction and a clamp where a Log was (measured on 12 layers of
            // 12 × 512² maps: 21–26 ms where the Log form took 48–50); the shift keeps the sum's terms small
            { opType: 'Reshape', input: [scores, SUMMARY_INPUTS.shape], output: [t('s')] },
            reduce('ReduceMax', t('s'), t('s_max'), lastAxis, -1, 1),
            { opType: 'Sub', input: [t('s'), t('s_max')], output: [t('shifted')] },
            { opType: 'Max', input: [t('shifted'), cLowest], output: [t('shifted_safe')] },
            { opType: 'Mul', input: [t('p'), t('shifted_safe')], output: [t('ps_cells')] },
            reduce('ReduceSum', t('ps_cells'), t('ps'), lastAxis, -1, 1),
            { opType: 'Log', input: [t('mx_safe')], output: [t('log_max')] },
            { opType: 'Add', input: [t('ps'), t('log_max')], output: [t('plogp4')] },
            { opType: 'Reshape', input: [t('plogp4'), flatShape], output: [n.plogp] },
          ]
        : [
            { opType: 'Max', input: [t('p'), cTiny], output: [t('p_safe')] },
            { opType: 'Log', input: [t('p_safe')], output: [t('logp')] },
            { opType: 'Mul', input: [t('p'), t('logp')], output: [t('plogp_cells')] },
            reduce('ReduceSum', t('plogp_cells'), n.plogp, lastAxis, -1, 0),
          ]),
      { opType: 'Reshape', input: [t('p'), flatShape], output: [t('flat')] },
      { opType: 'Gather', input: [t('flat'), SUMMARY_INPUTS.pick], output: [n.pick], attribute: [{ name: 'axis', type: 2, i: 2 }] },
      // the thumbnail: whole rows gathered bin by bin (contiguous copies) and reduced to [row bins, keys],
      // then the small result's columns the same way; an element-wise Gather over the keys
      // of every row cost as much as the rest of the summary together
      { opType: 'Gather', input: [t('p'), SUMMARY_INPUTS.rowBins], output: [t('rows')], attribute: [{ name: 'axis', type: 2, i: 2 }] },
      { opType: 'Reshape', input: [t('rows'), SUMMARY_INPUTS.rowShape], output: [t('row_bins')] },
      reduce('ReduceMax', t('row_bins'), t('row_pooled'), axis3, 3, 0), // [1, h, row bins, keys]
      { opType: 'Gather', input: [t('row_pooled'), SUMMARY_INPUTS.colBins], output: [t('cols')], attribute: [{ name: 'axis', type: 2, i: 3 }] },
      { opType: 'Reshape', input: [t('cols'), SUMMARY_INPUTS.colShape], output: [t('col_bins')] },
      reduce('ReduceMax', t('col_bins'), n.pooled, axis4, 4, 0), // [1, h, row bins, column bins]
    );
    const out = (name: string, elemType: number): onnx.IValueInfoProto => ({ name, type: { tensorType: { elemType } } }); // shapes left to onnxruntime
    outputs.push(out(n.q8, UINT8), out(n.max, FLOAT), out(n.plogp, FLOAT), out(n.pick, FLOAT), out(n.pooled, FLOAT));
  });
  nodes.push(...perHook.sort((a, b) => b.layer - a.layer).flatMap((h) => h.nodes));
  // the maps stop being outputs; the KV cache (present.*) stays, for runs a chunk of rows at a time
  const maps = new Set(hooks.map((h) => h.onnxName));
  graph.output = [...(graph.output ?? []).filter((o) => !maps.has(o.name ?? '')), ...outputs];
}
