/** Graph surgery for causal interventions, on a copy of the instrumented graph (which holds no weights:
 * its initializers point into the user's own files, so the user's folder is never written).
 *
 * Every intervention point X (see interventionPoints.ts) becomes X' = X · scale + shift, and every
 * consumer of X reads X'. `scale` and `shift` are extra graph inputs that broadcast: the runner feeds
 * 1 and 0 of shape [1,1,1] (z: [1,1,1,1]) where nothing is patched, so they are optional to its callers,
 * and [batch, pos, 1] / [batch, pos, d] where something is, so one run carries many different patches
 * in its batch dimension. (Initializers listed as inputs would make them optional in the graph itself,
 * but onnxruntime-node only feeds the names in `session.inputNames`, which leaves those out.)
 * - zero ablation: scale 0; mean ablation / patching: scale 0, shift = the value; head scaling: scale k.
 * - x · 1 + 0 = x and x · 0 + v = v exactly in float arithmetic, so an unpatched run is the model's own
 *   run and a patch restores the patched value bit for bit.
 * z is taken where every exporter agrees on its layout, at the output projection's input (heads
 * concatenated, [batch, pos, heads·d_head]), and handled in TransformerLens's [batch, pos, head, d_head]
 * through a Reshape on each side; plain attention and fused ops alike.
 * The value *read* at a hook is the tensor as computed there, before that hook's own intervention. */
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { onnx } from 'onnx-proto';
import { buildGraphIndex } from './graphIndex.js';
import { findInterventionPoints, type InterventionPoint } from './interventionPoints.js';
import type { InstrumentResult } from './types.js';

export const INTERVENTION_VERSION = 6;

export interface InterventionResult {
  path: string;
  externalDataDir: string;
  points: InterventionPoint[];
  unavailable: { name: string; reason: string }[];
  /** hook name (and `embed` / `pos_embed` when block 0's input is their sum) → graph output to read */
  reads: Record<string, string>;
  /** hook name → its scale and shift input names */
  inputs: Record<string, { scale: string; shift: string }>;
  logits: string;
  /** [batch, vocab]: the logits at the last position (a Gather the copy adds) */
  logitsLast: string;
  /** the model's own outputs (always kept) */
  modelOutputs: string[];
}

type Record_ = InterventionResult & { version: number; baseSha256: string; graphSha256: string };

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function inputDecl(name: string, rank: number): onnx.ValueInfoProto {
  return onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType: 1, shape: { dim: Array.from({ length: rank }, (_, i) => ({ dimParam: `${name}_${i}` })) } } },
  });
}

/** consumers of `from` (but not the nodes in `except`) read `to` instead */
function rewire(nodes: onnx.INodeProto[], from: string, to: string, except: Set<onnx.INodeProto>): void {
  for (const n of nodes) {
    if (except.has(n) || !n.input) continue;
    n.input = n.input.map((t) => (t === from ? to : t));
  }
}

function surgery(model: onnx.ModelProto, result: InstrumentResult): Omit<InterventionResult, 'path' | 'externalDataDir'> {
  const graph = model.graph as onnx.GraphProto;
  const g = buildGraphIndex(graph);
  const found = findInterventionPoints(g, result);
  const reads: Record<string, string> = {};
  const inputs: InterventionResult['inputs'] = {};
  const unavailable = [...found.unavailable];
  const points: InterventionPoint[] = [];
  for (const p of found.points) {
    const vi = g.valueInfo.get(p.tensor)?.type?.tensorType?.elemType;
    if (vi !== undefined && vi !== 1) {
      unavailable.push({ name: p.name, reason: `the tensor is ${vi === 10 ? 'float16' : `type ${vi}`}; interventions run on float32 graphs` });
      continue;
    }
    const tag = `tensorloupe/iv/${p.name}`;
    const scale = `${tag}/scale`;
    const shift = `${tag}/shift`;
    const rank = p.hook === 'z' ? 4 : 3;
    graph.input.push(inputDecl(scale, rank), inputDecl(shift, rank));
    const created: onnx.NodeProto[] = [];
    const node = (op: string, ins: string[], out: string, attrs: onnx.IAttributeProto[] = []): string => {
      created.push(onnx.NodeProto.create({ opType: op, input: ins, output: [out], name: `${tag}/${op}${created.length}`, attribute: attrs }));
      return out;
    };
    let read = p.tensor;
    if (p.zLayout) {
      graph.initializer.push(onnx.TensorProto.create({ name: `${tag}/split`, dims: [4], dataType: 7, int64Data: [0, 0, p.zLayout.heads, -1] }),
        onnx.TensorProto.create({ name: `${tag}/merge`, dims: [3], dataType: 7, int64Data: [0, 0, -1] }));
      read = node('Reshape', [p.tensor, `${tag}/split`], `${tag}/z`);
    }
    let out = node('Add', [node('Mul', [read, scale], `${tag}/scaled`), shift], `${tag}/patched`);
    if (p.zLayout) out = node('Reshape', [out, `${tag}/merge`], `${tag}/back`);
    rewire(graph.node, p.tensor, out, new Set());
    graph.node.push(...created);
    // a graph output that is the tensor itself (an instrumented hook) keeps the unpatched value: nothing to do
    reads[p.name] = read;
    inputs[p.name] = { scale, shift };
    points.push(p);
  }
  // every hook the instrumenter found (resid_mid/post, patterns, ln_final) reads as it does there
  for (const h of result.hooks) if (!h.recomputed) reads[h.name] ??= h.onnxName;
  if (found.embedSplit) {
    reads.embed = found.embedSplit.embed;
    reads.pos_embed = found.embedSplit.posEmbed;
  }
  const logits = result.modelOutputs.find((o) => /logits/i.test(o)) ?? result.modelOutputs[0];
  const logitsLast = lastPositionLogits(graph, g, result, logits);
  const have = new Set(graph.output.map((o) => o.name));
  for (const t of [...new Set([...Object.values(reads), logitsLast])]) if (!have.has(t)) graph.output.push(onnx.ValueInfoProto.create({ name: t }));
  return { points, unavailable, reads, inputs, logits, logitsLast, modelOutputs: result.modelOutputs };
}

/**
 * [batch, vocab] logits at the last position. Where the unembedding is a MatMul with constant weights
 * on the final norm's output (+ a constant bias), the last position is gathered *before* it, so a
 * session that does not fetch the full logits never computes them: a batched patching run of 128
 * entries × 64 tokens would otherwise write 128 × 64 × vocab floats for the 128 rows it reads.
 * Otherwise the full logits are gathered.
 */
function lastPositionLogits(graph: onnx.GraphProto, g: ReturnType<typeof buildGraphIndex>, result: InstrumentResult, logits: string): string {
  const name = 'tensorloupe/iv/logits_last';
  graph.initializer.push(onnx.TensorProto.create({ name: `${name}/index`, dims: [], dataType: 7, int64Data: [-1] }));
  const gather = (input: string, output: string) => onnx.NodeProto.create({ opType: 'Gather', input: [input, `${name}/index`], output: [output], name: output, attribute: [{ name: 'axis', type: 2, i: 1 }] });
  const normed = result.hooks.find((h) => h.kind === 'normalized')?.onnxName;
  const producer = g.producer.get(logits);
  const last = producer === undefined ? undefined : g.nodes[producer];
  // logits = MatMul(normed, W) or Add(MatMul(normed, W), b)
  let matmul = last;
  let bias: string | undefined;
  if (last && last.opType === 'Add') {
    const [a, b] = last.input ?? [];
    const inner = [a, b].find((t) => t && !g.isConst(t));
    bias = [a, b].find((t) => t && g.isConst(t));
    const ip = inner ? g.producer.get(inner) : undefined;
    matmul = ip === undefined ? undefined : g.nodes[ip];
  }
  const w = matmul?.input?.[1];
  if (normed && matmul && matmul.opType === 'MatMul' && matmul.input?.[0] === normed && w && g.isConst(w) && (last === matmul || bias)) {
    const nodes = [gather(normed, `${name}/normed`), onnx.NodeProto.create({ opType: 'MatMul', input: [`${name}/normed`, w], output: [bias ? `${name}/mm` : name], name: `${name}/mm` })];
    if (bias) nodes.push(onnx.NodeProto.create({ opType: 'Add', input: [`${name}/mm`, bias], output: [name], name: `${name}/bias` }));
    graph.node.push(...nodes);
    return name;
  }
  graph.node.push(gather(logits, name));
  return name;
}

/** The intervention copy of an instrumented model, written once beside the instrumented copy in the
 * engine's cache and reused while that copy (and this code's version) is unchanged. */
export async function interventionModel(result: InstrumentResult): Promise<InterventionResult> {
  const base = await readFile(result.instrumentedPath);
  const baseSha256 = sha256(base);
  const dir = dirname(result.instrumentedPath);
  const path = join(dir, 'interventions.onnx');
  const recordPath = join(dir, 'interventions.json');
  const cached = await readFile(recordPath, 'utf8').then((s) => JSON.parse(s) as Record_).catch(() => undefined);
  if (cached && cached.version === INTERVENTION_VERSION && cached.baseSha256 === baseSha256) {
    const bytes = await readFile(path).catch(() => undefined);
    if (bytes && sha256(bytes) === cached.graphSha256) {
      const { version: _v, baseSha256: _b, graphSha256: _g, ...rest } = cached;
      void _v; void _b; void _g;
      return { ...rest, path, externalDataDir: result.externalDataDir };
    }
  }
  const model = onnx.ModelProto.decode(base);
  const found = surgery(model, result);
  const encoded = onnx.ModelProto.encode(model).finish();
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, encoded);
  await rename(tmp, path);
  const out: InterventionResult = { ...found, path, externalDataDir: result.externalDataDir };
  const rtmp = `${recordPath}.${process.pid}.tmp`;
  await writeFile(rtmp, JSON.stringify({ ...out, version: INTERVENTION_VERSION, baseSha256, graphSha256: sha256(encoded) } satisfies Record_));
  await rename(rtmp, recordPath);
  return out;
}
