/** Find the logit-lens parameters in the graph: the final norm's weight/bias/eps (the norm after the
 * last residual Add, so the last block's LN2 in post-LN models) and the unembedding matrix (the
 * MatMul/Gemm that consumes the normalised output, possibly after a CLS Gather). Values are read
 * from initializers, Constant nodes or the external data file. */
import { open } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { onnx } from 'onnx-proto';
import type { FinalNormParams, UnembedParams } from '../analyses/logitLens.js';
import { InstrumentError } from './errors.js';
import { attrFloat, attrInt, buildGraphIndex, opOf } from './graphIndex.js';
import type { GraphIndex } from './graphIndex.js';
import { detectFusedAttention } from './detectFused.js';
import { detectResidualStream } from './detectResidual.js';
import { detectSoftmaxAttention } from './detectSoftmax.js';
import { decodeModel, readModelBytes } from './modelFile.js';
import { inlineCacheBranch } from './inlineCacheBranch.js';
import { dimsOf, tensorToFloat32 } from './tensorData.js';

export interface LensParams {
  norm: FinalNormParams;
  unembed: UnembedParams;
}

export interface ConstTensor {
  dims: number[];
  data: Float32Array;
}

async function readTensor(t: onnx.ITensorProto, modelDir: string): Promise<ConstTensor> {
  const ext = t.dataLocation === 1 ? Object.fromEntries((t.externalData ?? []).map((e) => [e.key, e.value])) : undefined;
  if (!ext) return { dims: dimsOf(t), data: tensorToFloat32(t) };
  const fh = await open(join(modelDir, ext.location ?? ''), 'r');
  try {
    const length = Number(ext.length ?? (await fh.stat()).size);
    const buf = Buffer.alloc(length);
    await fh.read(buf, 0, length, Number(ext.offset ?? 0));
    return { dims: dimsOf(t), data: tensorToFloat32(t, buf) };
  } finally {
    await fh.close();
  }
}

export async function constValue(g: GraphIndex, name: string, modelDir: string): Promise<ConstTensor | undefined> {
  const init = g.initializers.get(name);
  if (init) return readTensor(init, modelDir);
  const p = g.producer.get(name);
  const n = p === undefined ? undefined : g.nodes[p];
  if (!n) return undefined;
  if (opOf(n) === 'Constant') {
    const a = n.attribute?.find((x) => x.name === 'value');
    if (a?.t) return readTensor(a.t, modelDir);
    const f = n.attribute?.find((x) => x.name === 'value_float');
    return f ? { dims: [], data: Float32Array.of(f.f ?? 0) } : undefined;
  }
  if (opOf(n) === 'Transpose' || opOf(n) === 'Identity' || opOf(n) === 'Cast') {
    const src = await constValue(g, n.input?.[0] ?? '', modelDir);
    if (!src || opOf(n) !== 'Transpose') return src;
    if (src.dims.length !== 2) return undefined;
    return { dims: [src.dims[1], src.dims[0]], data: transpose(src.data, src.dims[0], src.dims[1]) };
  }
  return undefined;
}

function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
  return out;
}

async function normParams(g: GraphIndex, nodes: number[], kind: FinalNormParams['kind'], dir: string): Promise<FinalNormParams> {
  const fused = nodes.map((i) => g.nodes[i]).find((n) => FUSED_NORMS.has(opOf(n)));
  if (fused) {
    // Skip*LayerNormalization takes (input, skip, gamma, beta); the others (input, scale, bias)
    const at = opOf(fused).startsWith('Skip') ? 2 : 1;
    const weight = await constValue(g, fused.input?.[at] ?? '', dir);
    const bias = fused.input?.[at + 1] ? await constValue(g, fused.input[at + 1], dir) : undefined;
    if (!weight) throw new InstrumentError('RECOMPUTE_UNSUPPORTED', 'the final norm weight is not a constant');
    const kind = opOf(fused).includes('Simplified') || opOf(fused) === 'RMSNormalization' ? 'rmsnorm' : 'layernorm';
    // ONNX LayerNormalization defaults to 1e-5; the com.microsoft Skip* ops to 1e-12
    return { kind, weight: weight.data, bias: bias?.data, eps: attrFloat(fused, 'epsilon', at === 2 ? 1e-12 : 1e-5) };
  }
  // decomposed: eps is the scalar added to the mean square; weight/bias are the vector Mul/Add operands
  let eps = 1e-5;
  let weight: Float32Array | undefined;
  let bias: Float32Array | undefined;
  for (const i of nodes) {
    const n = g.nodes[i];
    for (const input of n.input ?? []) {
      if (!input || !g.isConst(input)) continue;
      const v = await constValue(g, input, dir);
      if (!v) continue;
      if (opOf(n) === 'Add' && v.data.length === 1) eps = v.data[0];
      else if (opOf(n) === 'Mul' && v.data.length > 1) weight = v.data;
      else if (opOf(n) === 'Add' && v.data.length > 1) bias = v.data;
    }
  }
  if (!weight) throw new InstrumentError('RECOMPUTE_UNSUPPORTED', 'the final norm has no weight vector');
  return { kind, weight, bias, eps };
}

const FUSED_NORMS = new Set(['LayerNormalization', 'SimplifiedLayerNormalization', 'RMSNormalization', 'SkipLayerNormalization', 'SkipSimplifiedLayerNormalization']);

// a classifier head reads one position (CLS Gather) or the mean over positions; the lens applies it per position
const PASS_TO_HEAD = new Set(['Gather', 'Slice', 'Squeeze', 'Reshape', 'Identity', 'Cast', 'Flatten', 'ReduceMean']);

async function unembedParams(g: GraphIndex, normalized: string, dir: string): Promise<UnembedParams> {
  const queue = [normalized];
  for (let steps = 0; queue.length && steps < 16; steps++) {
    const t = queue.shift() as string;
    for (const c of g.consumers.get(t) ?? []) {
      const n = g.nodes[c];
      const op = opOf(n);
      const b = n.input?.[1];
      if ((op === 'MatMul' || op === 'Gemm') && n.input?.[0] === t && b && g.isConst(b)) {
        const w = await constValue(g, b, dir);
        if (!w || w.dims.length !== 2) break;
        const transB = op === 'Gemm' && attrInt(n, 'transB', 0) === 1;
        const [dModel, vocab] = transB ? [w.dims[1], w.dims[0]] : w.dims;
        const weight = transB ? transpose(w.data, w.dims[0], w.dims[1]) : w.data; // -> [d_model, vocab]
        const bias = op === 'Gemm' && n.input?.[2] ? (await constValue(g, n.input[2], dir))?.data : await biasAfter(g, n.output?.[0], dir);
        return { weight, bias, dModel, vocab };
      }
      if (PASS_TO_HEAD.has(op) && n.input?.[0] === t) queue.push(...(n.output ?? []).filter(Boolean));
    }
  }
  throw new InstrumentError('RECOMPUTE_UNSUPPORTED', 'no unembedding (MatMul/Gemm with a constant weight) consumes the final norm output');
}

/** Linear exported as MatMul + Add(bias) */
async function biasAfter(g: GraphIndex, out: string | undefined, dir: string): Promise<Float32Array | undefined> {
  const next = out ? g.consumers.get(out) : undefined;
  if (!next || next.length !== 1 || opOf(g.nodes[next[0]]) !== 'Add') return undefined;
  const other = (g.nodes[next[0]].input ?? []).find((t) => t && t !== out);
  return other && g.isConst(other) ? (await constValue(g, other, dir))?.data : undefined;
}

/** read the final norm and unembedding of a model; `modelPath` is the user's .onnx */
export async function findLensParams(modelPath: string): Promise<LensParams> {
  const path = resolve(modelPath);
  const bytes = await readModelBytes(path);
  const model = decodeModel(path, bytes);
  inlineCacheBranch(model); // a merged decoder's norm and unembedding sit in its If's branches
  const g = buildGraphIndex(model.graph ?? {});
  const attention = new Set([...detectSoftmaxAttention(g).map((s) => s.node), ...detectFusedAttention(g).map((f) => f.node)]);
  const region = detectResidualStream(g, attention).finalNorm;
  if (!region) throw new InstrumentError('RECOMPUTE_UNSUPPORTED', 'no final norm was found after the residual stream; the logit lens needs one');
  const dir = dirname(path);
  return { norm: await normParams(g, region.nodes, region.kind, dir), unembed: await unembedParams(g, region.output, dir) };
}
