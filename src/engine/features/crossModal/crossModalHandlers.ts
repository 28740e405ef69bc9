// Fit Cross-Modal Map / `tensorloupe crossmap`: does a linear map carry an image or audio model's
// embedding of a sample to the text LM's input embedding of its text, for classes the map never
// saw? (Merullo et al. 2022 ask it of CLIP-sized models; here it is asked of the models at hand.)
// Pairs → source embeddings at every layer → targets → per layer ridge and Procrustes, each
// against the same fit on shuffled pairs → the held-out table at one layer.
import { performance } from 'node:perf_hooks';
import { InputError } from '../../errors';
import { resolveModelFolder } from '../../modelFolder';
import { nonTextKind } from '../../models/modelKind';
import { SessionCache } from '../../sessions';
import { RequestProgress } from '../../progress';
import { checkpoint } from '../../cancellation';
import type { VisionModels } from '../vision/visionModels';
import type { AudioModels } from '../audio/audioModels';
import { readEmbeddingMatrix } from '../projector/embeddingMatrix';
import { bundledPairs, readPairsFile, type PairSet } from './crossModalPairs';
import { DEFAULT_TEST_FRACTION, shuffledPairs, splitClasses } from './crossModalSplit';
import { audioEmbeddings, imageEmbeddings, type SourceEmbeddings } from './sourceEmbeddings';
import { textTargets } from './targetEmbeddings';
import { fitLayer, type LayerScores } from './crossModalFit';
import { heldOutTable } from './heldOutTable';
import type { Matrix } from '../../analyses/matrix';
import type { FeatureContext, FeatureHandlers } from '../context';
import type { CrossModalParams, CrossModalResult, LayerFit, Retrieval } from '../../../protocol/crossModal';
import type { CancelSignal } from '../../../protocol/rpc';

const retrieval = (r: Retrieval): Retrieval => ({ retrievalAt1: r.retrievalAt1, retrievalAt5: r.retrievalAt5, heldOutRetrievalAt1: r.heldOutRetrievalAt1, heldOutRetrievalAt5: r.heldOutRetrievalAt5 });

/** shuffled-pairs fits averaged per layer and method: their mean's spread is about 1/√10 of one shuffle's */
const PERMUTATIONS = 10;

export function crossModalHandlers(ctx: FeatureContext, vision: VisionModels, audio: AudioModels): FeatureHandlers<'crossmodal/fit'> {
  const tables = new SessionCache<Matrix>(2);
  ctx.whenIdle?.(() => void tables.releaseAll(async () => undefined));

  async function sourceOf(p: CrossModalParams, pairs: PairSet, signal: CancelSignal, progress: RequestProgress<'load' | 'embed' | 'fit'>): Promise<SourceEmbeddings & { name: string }> {
    const n = pairs.files.length;
    const onDone = (done: number) => progress.report('embed', done, n, `${pairs.modality === 'image' ? 'image' : 'sound'} ${done}/${n} through every layer`);
    if (pairs.modality === 'image') {
      const m = await vision.load(p.from);
      return { ...(await imageEmbeddings(vision, m, pairs.files, signal, onDone)), name: m.runner.name };
    }
    const c = await audio.load(p.from);
    const m = await audio.twin(c);
    return { ...(await audioEmbeddings(c, m, pairs.files, ctx.models.threads, signal, onDone)), name: c.folder.name };
  }

  return {
    'crossmodal/fit': async (p, signal) => {
      const t0 = performance.now();
      const progress = new RequestProgress(signal, { load: 10, embed: 40, fit: 50 });
      progress.report('load', 0, 1, 'reading the pairs');
      const from = resolveModelFolder(p.from, ctx.models.engineOptions.variant);
      const kind = nonTextKind(from);
      if (!kind) throw new InputError(`${from.name} is a text model; the source of a cross-modal map (--from) is an image or audio model such as tensorloupe-glyph-vit or tensorloupe-speech-kws, and the text LM is its target (--to).`);
      const toFolder = resolveModelFolder(p.to, ctx.models.engineOptions.variant);
      const toKind = nonTextKind(toFolder);
      if (toKind) throw new InputError(`${toFolder.name} is ${toKind.description}; the target of a cross-modal map (--to) is a text LM with a tokenizer, such as tensorloupe-code-lm.`);
      const pairs = p.pairs ? readPairsFile(p.pairs, kind.modality, from.name) : bundledPairs(from, kind.modality);
      const testFraction = p.testFraction ?? DEFAULT_TEST_FRACTION;
      const split = splitClasses(pairs.classes.length, p.seed, testFraction);
      const lm = await ctx.models.load(p.to);
      const table = await tables.get(lm.folder.onnxPath, () => readEmbeddingMatrix(lm.folder.onnxPath));
      const target = textTargets(lm.tokenizer, table, pairs.classes.map((c) => c.text), lm.folder.name);
      progress.report('load', 1, 1, 'loading the source model');

      const source = await sourceOf(p, pairs, signal, progress);
      if (p.layer !== undefined && p.layer >= source.layers.length) throw new InputError(`layer ${p.layer} is past ${source.name}'s layers 0–${source.layers.length - 1} (0 = embedding, ${source.layers.length - 1} = ${source.layers[source.layers.length - 1].label}).`);
      const permutations = shuffledPairs(pairs.classes.length, p.seed, PERMUTATIONS);
      const input = { dSrc: source.dModel, classOf: pairs.classOf, targets: target.targets, dTgt: target.dModel, ...split, permutations, methods: p.methods, layers: source.layers.map((l) => l.x) };
      const steps = source.layers.length * p.methods.length * (1 + PERMUTATIONS);
      let done = 0;
      const scores: LayerScores[] = [];
      for (let l = 0; l < source.layers.length; l++) {
        await checkpoint(signal);
        scores.push(fitLayer(input, l, () => progress.report('fit', ++done, steps, `layer ${l}/${source.layers.length - 1}: fits and shuffled controls`)));
      }
      const primary = p.methods[0];
      let tableLayer = p.layer ?? 0;
      if (p.layer === undefined) scores.forEach((s, l) => (s.methods[primary]!.cvScore > scores[tableLayer].methods[primary]!.cvScore ? (tableLayer = l) : undefined));
      const layers: LayerFit[] = source.layers.map((layer, l) => {
        const s = scores[l];
        const strip = (m: typeof s.methods.ridge) => m && { ...retrieval(m), cvScore: m.cvScore, ...(m.lambda !== undefined ? { lambda: m.lambda } : {}), ...(m.dims !== undefined ? { dims: m.dims } : {}) };
        return {
          layer: l,
          hook: layer.hook,
          label: layer.label,
          ...(s.methods.ridge ? { ridge: strip(s.methods.ridge) } : {}),
          ...(s.methods.procrustes ? { procrustes: strip(s.methods.procrustes) } : {}),
          shuffled: s.shuffled,
          ...(s.constant ? { note: `every sample has the same ${layer.hook} here (${source.embedding}), so nothing can be mapped from it` } : {}),
        };
      });
      const nClasses = pairs.classes.length;
      const trainSamples = pairs.classOf.filter((c) => split.train.includes(c)).length;
      const result: CrossModalResult = {
        from: source.name,
        to: lm.folder.name,
        source: { modality: pairs.modality, embedding: source.embedding, dModel: source.dModel, pairs: pairs.origin },
        target: { embedding: 'input embedding rows (the token-id Gather), the mean of the rows for a text of several tokens', dModel: target.dModel, multiToken: pairs.classes.filter((_, c) => target.tokens[c].length > 1).map((c) => c.label) },
        counts: { samples: pairs.files.length, classes: nClasses, trainClasses: split.train.length, testClasses: split.test.length, trainSamples, testSamples: pairs.files.length - trainSamples },
        split: { seed: p.seed, testFraction, train: split.train.map((c) => pairs.classes[c].label), test: split.test.map((c) => pairs.classes[c].label), folds: split.folds.length },
        candidates: nClasses,
        chance: { retrievalAt1: 1 / nClasses, retrievalAt5: Math.min(1, 5 / nClasses), heldOutRetrievalAt1: 1 / split.test.length, heldOutRetrievalAt5: Math.min(1, 5 / split.test.length) },
        methods: p.methods,
        permutations: permutations.length,
        layers,
        tableLayer,
        tableLayerChosenBy: p.layer === undefined ? 'cross-validation' : 'request',
        heldOut: heldOutTable({ x: source.layers[tableLayer].x, classOf: pairs.classOf, targets: target.targets, dTgt: target.dModel, test: split.test, classes: pairs.classes, tokens: target.tokens, maps: scores[tableLayer].maps, targetMean: scores[tableLayer].targetMean }),
        ms: performance.now() - t0,
      };
      return result;
    },
  };
}
