/** instrumentModel: find attention maps and the residual stream in an unmodified ONNX export and
 * write (once, cached by the model's hash) a graph that exposes them as outputs. */
import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { buildGraphIndex } from './graphIndex.js';
import { detectSoftmaxAttention } from './detectSoftmax.js';
import { detectFusedAttention } from './detectFused.js';
import { detectResidualStream } from './detectResidual.js';
import { buildHooks } from './buildHooks.js';
import { branchHooks } from './branchHooks.js';
import { decodeModel, modelKey, readModelBytes } from './modelFile.js';
import { writeInstrumented } from './writeInstrumented.js';
import { inlineCacheBranch } from './inlineCacheBranch.js';
import { renameExternalData, resolveWeights, weightsKey } from './weightsLocation.js';
import { graphInputsOf, readConfigHints } from './modelInfo.js';
import { dimsOf } from './tensorData.js';
import type { HookInfo, InstrumentResult, RecomputeSpec } from './types.js';
import type { GraphIndex } from './graphIndex.js';

/** bump when detection or the written graph changes, so stale caches are rebuilt */
export const INSTRUMENT_VERSION = 7;

/** ONNX tensors a recomputed pattern needs besides Q and K */
export function recomputeInputs(spec: RecomputeSpec): string[] {
  const names = [spec.q.onnxName, spec.k.onnxName, spec.keyPaddingMask, spec.attentionBias, spec.seqlensK, spec.pastKey,
    spec.rotary?.cos, spec.rotary?.sin, spec.rotary?.positionIds];
  return [...new Set(names.filter((n): n is string => !!n))];
}

/** [batch, head, q, k] patterns usually carry a fixed head count in the exporter's value_info */
function headsFromShape(g: GraphIndex, hooks: HookInfo[]): number | undefined {
  for (const h of hooks) {
    if (h.kind !== 'pattern' || h.recomputed) continue;
    const dims = g.valueInfo.get(h.onnxName)?.type?.tensorType?.shape?.dim;
    const heads = dims?.length === 4 ? Number(dims[1].dimValue ?? 0) : 0;
    if (heads > 0) return heads;
  }
  return undefined;
}

/** result.json: the result, the version that wrote it and the hash of the graph file beside it */
type CacheRecord = InstrumentResult & { version: number; graphSha256: string };

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** The cached graph is there and is the one the record was written for (a few hundred KB to hash). */
async function graphIntact(record: CacheRecord): Promise<boolean> {
  if (typeof record.instrumentedPath !== 'string' || typeof record.graphSha256 !== 'string' || !Array.isArray(record.hooks)) return false;
  const bytes = await readFile(record.instrumentedPath).catch(() => undefined);
  return bytes !== undefined && sha256(bytes) === record.graphSha256;
}

export async function instrumentModel(userModelPath: string, cacheDir: string): Promise<InstrumentResult> {
  const t0 = performance.now();
  // absolute, so the engine may change directory later without losing the external data folder
  const givenPath = resolve(userModelPath);
  const weights = await resolveWeights(givenPath);
  const modelPath = join(weights.dir, weights.modelFile);
  const { key: hash, bytes: readBytes } = await modelKey(givenPath, undefined, weightsKey(weights));
  const outDir = join(cacheDir, hash.slice(0, 32));
  const resultPath = join(outDir, 'result.json');
  const cached = await readFile(resultPath, 'utf8').then((s) => JSON.parse(s) as CacheRecord).catch(() => undefined);
  // a damaged cache (a truncated or edited graph, a half-written record) is rebuilt, not trusted
  if (cached && cached.version === INSTRUMENT_VERSION && cached.modelHash === hash && (await graphIntact(cached))) {
    const { version: _v, graphSha256: _g, ...rest } = cached;
    void _v;
    void _g;
    return { ...rest, externalDataDir: weights.dir, timing: { ms: performance.now() - t0, cached: true } };
  }
  const bytes = readBytes ?? (await readModelBytes(modelPath));
  const model = decodeModel(givenPath, bytes);
  inlineCacheBranch(model); // decoder_model_merged.onnx: instrument the branch a full-sequence pass runs
  renameExternalData(model.graph ?? {}, weights);
  const g = buildGraphIndex(model.graph ?? {});
  const softmax = detectSoftmaxAttention(g);
  const fused = detectFusedAttention(g);
  const attentionNodes = new Set([...softmax.map((s) => s.node), ...fused.map((f) => f.node)]);
  const stream = detectResidualStream(g, attentionNodes);
  const plan = buildHooks(softmax, fused, stream);
  const hints = await readConfigHints(givenPath); // config.json sits beside the link, not beside the blob
  // reading hooks for the residual branches; a layout they cannot follow must never cost the rest
  let branch: ReturnType<typeof branchHooks> = { hooks: [], extraNodes: [] };
  try {
    branch = branchHooks(g, plan, fused[0]?.spec?.numHeads ?? headsFromShape(g, plan.hooks) ?? hints.nHeads);
  } catch {
    // the interventions' own copy says what is unavailable, with the reason
  }
  plan.hooks.push(...branch.hooks);
  const constants = Object.assign({}, ...fused.map((f) => f.constants)) as InstrumentResult['constants'];
  const outputs = plan.hooks.flatMap((h) => (h.recomputed ? recomputeInputs(h.recomputed) : [h.onnxName]))
    .filter((n) => !(n in constants) && !g.initializers.has(n));
  const inputs = graphInputsOf(g);
  const spec = plan.hooks.find((h) => h.recomputed)?.recomputed;
  const normWeight = stream.finalNorm?.nodes.flatMap((i) => g.nodes[i].input ?? []).map((n) => g.initializers.get(n)).find((t) => t && dimsOf(t).length === 1);
  const modelOutputs = (model.graph?.output ?? []).map((o) => o.name ?? ''); // before hooks are appended
  for (const f of fused) {
    if (!f.patch) continue;
    const node = g.nodes[f.node];
    const outs = node.output ?? [];
    while (outs.length < f.patch.outputIndex) outs.push('');
    outs[f.patch.outputIndex] = f.patch.name;
    node.output = outs;
    const attrs = (node.attribute ?? []).filter((a) => a.name !== f.patch?.attribute.name);
    attrs.push({ name: f.patch.attribute.name, type: 2 /* INT */, i: f.patch.attribute.value });
    node.attribute = attrs;
  }
  for (const p of stream.outputPatches) {
    const outs = g.nodes[p.node].output ?? [];
    while (outs.length < p.index) outs.push('');
    outs[p.index] = p.name;
    g.nodes[p.node].output = outs;
  }
  const instrumentedPath = await writeInstrumented({
    model, bytes, modelPath, g, outputs: [...new Set(outputs)], extraNodes: [...fused.flatMap((f) => f.extraNodes), ...branch.extraNodes], outDir,
  });
  const result: InstrumentResult = {
    instrumentedPath,
    externalDataDir: weights.dir,
    modelHash: hash,
    hooks: plan.hooks,
    unavailable: plan.unavailable,
    architecture: {
      nLayers: plan.nLayers,
      nHeads: spec?.numHeads ?? headsFromShape(g, plan.hooks) ?? hints.nHeads,
      dModel: (normWeight ? dimsOf(normWeight)[0] : undefined) ?? hints.dModel,
      fusedAttention: fused.length > 0,
      layerNorm: stream.layerNorm,
    },
    inputs,
    modelOutputs,
    constants,
    timing: { ms: 0, cached: false },
  };
  result.timing.ms = performance.now() - t0;
  // written last and atomically: its presence means the graph file beside it is complete
  const tmp = `${resultPath}.${process.pid}.tmp`;
  const graphSha256 = sha256(await readFile(instrumentedPath));
  await writeFile(tmp, JSON.stringify({ version: INSTRUMENT_VERSION, graphSha256, ...result } satisfies CacheRecord));
  await rename(tmp, resultPath);
  return result;
}
