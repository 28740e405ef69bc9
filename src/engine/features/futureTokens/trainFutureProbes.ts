import { performance } from 'node:perf_hooks';
import { InputError } from '../../errors';
import { checkpoint } from '../../cancellation';
import { RequestProgress } from '../../progress';
import { requireDecoder } from '../../models/kindGuard';
import { collectHiddenStates, type HiddenPositions } from '../hiddenStates/collectHiddenStates';
import { splitByGroup, type ProbeSplit } from '../probes/probeSplit';
import { graphObjective } from '../probes/logisticLossGraph';
import { fitLogistic } from '../../analyses/logisticRegression';
import { applyStandardisation, fitStandardisation } from '../../analyses/standardise';
import { indexAheadTexts, NgramAhead } from '../../analyses/ngramAhead';
import { readCorpus } from './readCorpus';
import { seededRandom } from '../../../util/distribution';
import { sampleRows, topTargetIds, type FutureProbe } from './futureProbeMaths';
import { scoreProbe } from './scoreProbeGraph';
import type { FeatureContext } from '../context';
import type { InstrumentedLm } from '../../instrumentedModels';
import type { FutureCell, FutureTrainParams, FutureTrainResult } from '../../../protocol/futureTokens';
import type { CancelSignal } from '../../../protocol/rpc';

// future/train: corpus → hidden states of every layer → per layer and per k a multinomial
// logistic probe from the state at t to the token at t + k, and beside it an n-gram lookup from
// the tokens up to t; both scored on files neither saw.
//
// The label space is the vocabulary, which a softmax probe cannot afford (4,096 to 50,000 classes
// × d weights per layer and k, trained on every position). So each probe has FUTURE_CLASSES
// classes: the most frequent target tokens of the training files and one "other" class for the
// rest, which is never a guess (a target outside the classes is a miss; `coverage` says how many
// are). On code the top 127 tokens cover about half the targets, which is where a short-horizon
// plan can show; a rare identifier k tokens ahead is beyond any linear read-out of one state.
// Each probe trains on a seeded sample of at most MAX_TRAIN_ROWS training positions (16k rows ×
// d 128 × 128 classes: a fit is ~1 s with the objective's GEMMs in float32, ~3.5 s in float64),
// with one weak L2 strength (1e-4: 16k rows against 16k weights overfit little): the grid is
// layers × k fits, and a sweep would triple it. The n-gram lookup reads the baselines' suffix-array
// index of the training files (analyses/ngramAhead.ts).

/** positions read at most (the corpus is refused beyond, before the model runs) */
export const MAX_FUTURE_POSITIONS = 200_000;
/** probe classes: the 127 most frequent targets + "other" */
export const FUTURE_CLASSES = 128;
export const MAX_TRAIN_ROWS = 16_384;
/** validation and test positions scored at most per k (a seeded sample beyond) */
export const MAX_EVAL_ROWS = 20_000;
const L2 = 1e-4;
const ITERATIONS = 40;

export interface TrainedFuture {
  result: Omit<FutureTrainResult, 'runId'>;
  m: InstrumentedLm;
  /** `${layer}:${k}` → the fitted probe */
  probes: Map<string, FutureProbe>;
  classIds: Int32Array;
  K: number;
}

/**
 * The files read, in their sorted order: all of them when they fit in MAX_FUTURE_POSITIONS tokens,
 * else a seeded choice of whole files that does (a workspace glob easily matches millions of tokens;
 * refusing it would make the default glob useless on any real project).
 */
function withinBudget<F extends { text: string }>(files: F[], count: (text: string) => number, seed: number): F[] {
  const sizes = files.map((f) => count(f.text));
  if (sizes.reduce((s, n) => s + n, 0) <= MAX_FUTURE_POSITIONS) return files;
  const order = files.map((_, i) => i);
  const random = seededRandom((seed + 1000) >>> 0);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const keep = new Set<number>();
  let total = 0;
  for (const i of order) {
    if (total + sizes[i] > MAX_FUTURE_POSITIONS) continue;
    keep.add(i);
    total += sizes[i];
  }
  return files.filter((_, i) => keep.has(i));
}

/** Rows r whose token at r + k is in the same text. */
function rowsWithTarget(rows: Int32Array, positions: HiddenPositions, k: number): Int32Array {
  const out: number[] = [];
  for (const r of rows) if (r + k < positions.count && positions.textIndex[r + k] === positions.textIndex[r]) out.push(r);
  return Int32Array.from(out);
}

interface Plan {
  split: ProbeSplit;
  classIds: Int32Array;
  classOf: Map<number, number>;
  /** per k (index k - 1) */
  train: Int32Array[];
  validation: Int32Array[];
  test: Int32Array[];
  ngramTop1: number[];
  coverage: number;
  files: { train: number; validation: number; test: number };
}

async function planOf(positions: HiddenPositions, K: number, seed: number): Promise<Plan> {
  const split = splitByGroup(positions.textIndex, seed, 'The corpus');
  const notSpecial = (rows: Int32Array) => rows.filter((r) => !positions.special[r]);
  const classIds = topTargetIds(positions.tokenId, notSpecial(split.train), FUTURE_CLASSES);
  const classOf = new Map<number, number>();
  classIds.forEach((id, c) => classOf.set(id, c));
  const train: Int32Array[] = [];
  const validation: Int32Array[] = [];
  const test: Int32Array[] = [];
  for (let k = 1; k <= K; k++) {
    train.push(sampleRows(rowsWithTarget(split.train, positions, k), MAX_TRAIN_ROWS, seed + 2 + k));
    validation.push(sampleRows(rowsWithTarget(split.validation, positions, k), MAX_EVAL_ROWS, seed + 20 + k));
    test.push(sampleRows(rowsWithTarget(split.test, positions, k), MAX_EVAL_ROWS, seed + 40 + k));
  }
  // the lookup counts over every training position (not the probes' sample: counting is cheap)
  const starts: number[] = [];
  for (let r = 0; r < positions.count; r++) if (r === 0 || positions.textIndex[r] !== positions.textIndex[r - 1]) starts.push(r);
  starts.push(positions.count);
  const trainTexts = new Set(Array.from(split.train, (r) => positions.textIndex[r]));
  const sequences: Int32Array[] = [];
  const textStart = new Map<number, number>();
  for (let i = 0; i + 1 < starts.length; i++) {
    const t = positions.textIndex[starts[i]];
    textStart.set(t, starts[i]);
    if (trainTexts.has(t)) sequences.push(positions.tokenId.subarray(starts[i], starts[i + 1]));
  }
  const ngramTop1: number[] = [];
  let covered = 0;
  let targets = 0;
  const index = await indexAheadTexts(sequences);
  for (let k = 1; k <= K; k++) {
    const lookup = new NgramAhead(index, k);
    let hits = 0;
    for (const r of test[k - 1]) {
      const start = textStart.get(positions.textIndex[r]) as number;
      if (lookup.predict(positions.tokenId, start, r) === positions.tokenId[r + k]) hits++;
      if (classOf.has(positions.tokenId[r + k])) covered++;
      targets++;
    }
    ngramTop1.push(test[k - 1].length === 0 ? 0 : hits / test[k - 1].length);
  }
  const texts = (rows: Int32Array) => new Set(Array.from(rows, (r) => positions.textIndex[r])).size;
  const files = { train: texts(split.train), validation: texts(split.validation), test: texts(split.test) };
  return { split, classIds, classOf, train, validation, test, ngramTop1, coverage: targets === 0 ? 0 : covered / targets, files };
}

export async function trainFutureProbes(ctx: FeatureContext, p: FutureTrainParams, signal: CancelSignal): Promise<TrainedFuture> {
  const t0 = performance.now();
  const all = readCorpus(p.files);
  if (all.length < 3) throw new InputError(`--corpus matched ${all.length} readable text file${all.length === 1 ? '' : 's'}; future-token probes need at least 3 (train, validation and test are split by file).`);
  requireDecoder(await ctx.models.load(p.model), 'Future-token probes', 'they read a decoder\'s residual stream before the tokens it predicts');
  const m = await ctx.instrumented.load(p.model);
  const corpus = withinBudget(all, (text) => m.base.tokenizer.encode(text).length, p.seed);
  const nLayers = m.info.nLayers;
  const K = p.k;
  const progress = new RequestProgress(signal, { collect: 40, fit: 60 });
  const fitsTotal = (nLayers + 1) * K;
  let fitsDone = 0;
  let plan: Plan | undefined;
  const cells: FutureCell[] = [];
  const probes = new Map<string, FutureProbe>();
  const threads = ctx.models.threads;
  await collectHiddenStates(ctx.instrumented, m, corpus.map((f) => f.text), { maxPositions: MAX_FUTURE_POSITIONS, name: 'The corpus', signal, onProgress: (done, total, message) => progress.report('collect', done, total, message) }, async (layer, positions) => {
    plan ??= await planOf(positions, K, p.seed);
    const d = positions.dModel;
    for (let k = 1; k <= K; k++) {
      await checkpoint(signal);
      progress.report('fit', fitsDone, fitsTotal, `layer ${layer.layer}/${nLayers}, t+${k}: probe on ${plan.train[k - 1].length.toLocaleString('en-US')} positions`);
      const classOfRow = (r: number) => plan?.classOf.get(positions.tokenId[r + k]) ?? -1;
      const trainRows = plan.train[k - 1];
      const standardisation = fitStandardisation(layer.data, d, trainRows);
      const x = applyStandardisation(layer.data, d, trainRows, standardisation); // [nTrain, d]
      const y = Int32Array.from(trainRows, (r) => { const c = classOfRow(r); return c < 0 ? FUTURE_CLASSES - 1 : c; });
      const fit = await fitLogistic(graphObjective(x, y, trainRows.length, d, FUTURE_CLASSES, L2, threads, 'float32'), d, FUTURE_CLASSES, { maxIterations: ITERATIONS });
      const scoreOn = (rows: Int32Array) => scoreProbe(fit.model, applyStandardisation(layer.data, d, rows, standardisation), Int32Array.from(rows, classOfRow), threads);
      const test = await scoreOn(plan.test[k - 1]);
      const validation = await scoreOn(plan.validation[k - 1]);
      probes.set(`${layer.layer}:${k}`, { layer: layer.layer, k, standardisation, model: fit.model });
      cells.push({ layer: layer.layer, hook: layer.hook, k, top1: test.top1, top5: test.top5, ngramTop1: plan.ngramTop1[k - 1], validationTop1: validation.top1 });
      progress.report('fit', ++fitsDone, fitsTotal, `layer ${layer.layer}/${nLayers}, t+${k}: done`);
    }
  });
  const pl = plan as Plan;
  cells.sort((a, b) => a.layer - b.layer || a.k - b.k);
  const bestLayer = Array.from({ length: K }, (_, i) => {
    const ofK = cells.filter((c) => c.k === i + 1);
    return ofK.reduce((best, c) => (c.validationTop1 > best.validationTop1 ? c : best), ofK[0]).layer;
  });
  const result = {
    model: m.base.folder.name,
    layers: cells,
    nLayers,
    bestLayer,
    classes: FUTURE_CLASSES,
    coverage: pl.coverage,
    files: { ...pl.files, leftOut: all.length - corpus.length },
    trainPositions: pl.train[0]?.length ?? 0,
    testPositions: pl.test[0]?.length ?? 0,
    ms: performance.now() - t0,
  };
  return { result, m, probes, classIds: pl.classIds, K };
}
