/** `model/info`: what a model is (kind, parameters, layers, heads, opsets, ops, signature, files),
 * where it runs (provider, load time) and what instrumentation found, recomputed or could not find.
 * Any model kind: it opens its own session rather than the text loader's (which needs a tokenizer). */
import { performance } from 'node:perf_hooks';
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { resolveModelFolder } from '../../modelFolder';
import { createSession } from '../../sessions';
import { decodeModel, readModelBytes } from '../../instrument/modelFile';
import { buildGraphIndex } from '../../instrument/graphIndex';
import { instrumentModel } from '../../instrument/instrumentModel';
import { TextTokenizer } from '../../preprocess/textTokenizer';
import { throwIfCancelled } from '../../cancellation';
import { ortReason } from '../../ortErrors';
import { graphFacts } from './graphFacts';
import { modelFigures } from './figures';
import { describeKind } from './describeKind';
import type { FeatureContext, FeatureHandlers } from '../context';
import type { InstrumentResult } from '../../instrument/types';
import type { InstrumentationReport, ModelInfoReport } from '../../../protocol/modelInfo';

const TEXT_KINDS = new Set(['decoder-lm', 'masked-lm', 'text-encoder', 'token-classifier', 'sequence-classifier']);

function instrumentationReport(r: InstrumentResult | undefined, error: string | null): InstrumentationReport {
  if (!r) return { found: [], recomputed: [], unavailable: [], layerNorm: 'unknown', fusedAttention: false, error, ms: 0, cached: false };
  return {
    found: r.hooks.filter((h) => !h.recomputed).map((h) => ({ name: h.name, onnxName: h.onnxName })),
    recomputed: r.hooks.filter((h) => h.recomputed).map((h) => ({ name: h.name, op: h.recomputed?.op ?? '' })),
    unavailable: r.unavailable,
    layerNorm: r.architecture.layerNorm,
    fusedAttention: r.architecture.fusedAttention,
    error,
    ms: r.timing.ms,
    cached: r.timing.cached,
  };
}

export function modelInfoHandlers(ctx: FeatureContext): FeatureHandlers<'model/info'> {
  return {
    'model/info': async ({ model }, signal): Promise<ModelInfoReport> => {
      const folder = resolveModelFolder(model);
      const bytes = await readModelBytes(folder.onnxPath);
      const proto = decodeModel(folder.onnxPath, bytes);
      const facts = graphFacts(proto);
      const g = buildGraphIndex(proto.graph ?? {});
      throwIfCancelled(signal);
      let instrumented: InstrumentResult | undefined;
      let instrumentError: string | null = null;
      try {
        instrumented = await instrumentModel(folder.onnxPath, ctx.instrumented.cacheFolder);
      } catch (error) {
        instrumentError = (error as Error).message ?? String(error);
      }
      throwIfCancelled(signal);
      const { kind, evidence } = describeKind(folder, facts.inputs, facts.outputs);
      const tokenizerVocab = () => {
        try {
          return folder.tokenizerPath ? new TextTokenizer(folder.tokenizerPath, folder.tokenizerConfigPath).vocabSize : undefined;
        } catch {
          return undefined; // a figure of last resort: a broken tokenizer leaves it unknown
        }
      };
      const figures = modelFigures(g, folder.config as Record<string, unknown>, instrumented, TEXT_KINDS.has(kind), tokenizerVocab);
      const dir = dirname(folder.onnxPath);
      const externalData = await Promise.all(facts.externalFiles.map(async (f) => ({ path: join(dir, f), bytes: await stat(join(dir, f)).then((s) => s.size, () => -1) })));
      for (const e of externalData) if (e.bytes < 0) figures.notes.push(`external data ${e.path} is missing: onnxruntime cannot load the weights it holds.`);
      // the session the features would get: same provider setting and threads, released at once
      const t0 = performance.now();
      let provider = 'none';
      let providerNote: string | null = null;
      let loadMs = 0;
      try {
        const loaded = await createSession(folder, ctx.models.engineOptions);
        provider = loaded.provider;
        providerNote = loaded.providerNote ?? null;
        loadMs = loaded.loadMs;
        await loaded.session.release();
      } catch (error) {
        // createSession's error already names the file and keeps onnxruntime's reason
        providerNote = error instanceof Error ? error.message : ortReason(error);
        loadMs = performance.now() - t0;
      }
      const config = folder.config as Record<string, unknown>;
      const archs = Array.isArray(config.architectures) ? config.architectures.filter((a): a is string => typeof a === 'string') : [];
      return {
        name: folder.name,
        dir: folder.dir,
        onnxPath: folder.onnxPath,
        kind,
        kindEvidence: evidence,
        modelType: typeof config.model_type === 'string' ? config.model_type : null,
        architecture: archs[0] ?? null,
        parameters: facts.parameters,
        weightDtypes: facts.weightDtypes,
        ...figures,
        irVersion: facts.irVersion,
        producer: facts.producer,
        opsets: facts.opsets,
        ops: facts.ops,
        nodes: facts.nodes,
        subgraphNodes: facts.subgraphNodes,
        inputs: facts.inputs,
        outputs: facts.outputs,
        files: {
          model: { path: folder.onnxPath, bytes: bytes.length },
          externalData,
          totalBytes: bytes.length + externalData.reduce((s, e) => s + Math.max(0, e.bytes), 0),
        },
        provider,
        providerNote,
        loadMs,
        instrumentation: instrumentationReport(instrumented, instrumentError),
      };
    },
  };
}
