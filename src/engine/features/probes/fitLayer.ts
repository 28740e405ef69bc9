import { fitLogistic, predictClasses, type LogisticModel } from '../../analyses/logisticRegression';
import { applyStandardisation, fitStandardisation, type Standardisation } from '../../analyses/standardise';
import { accuracyOf, confusionMatrix, macroF1Of } from '../../analyses/classificationMetrics';
import { checkpoint } from '../../cancellation';
import { graphObjective } from './logisticLossGraph';
import type { ProbeSplit } from './probeSplit';
import type { CancelSignal } from '../../../protocol/rpc';

// One probe on one layer's features: standardise with the training rows, fit along an L2 path
// (strong to weak, each fit warm-started from the last), keep the strength that scores best on
// the validation texts, score it once on the test texts.

/** L2 strengths tried, strongest first (ties on validation keep the stronger one). */
export const L2_GRID = [1e-1, 1e-2, 1e-3];
/** L-BFGS iterations per strength: the fixed budget that keeps 10,000 × 256 × 8 within seconds. */
export const ITERATIONS_PER_FIT = 40;

export interface LayerFit {
  accuracy: number;
  macroF1: number;
  /** [k, k] test counts, row = true class */
  confusion: Int32Array;
  l2: number;
  model: LogisticModel;
  standardisation: Standardisation;
}

function pick(y: Int32Array, rows: Int32Array): Int32Array {
  return Int32Array.from(rows, (r) => y[r]);
}

/** x [examples, d]; y the class of each example (0..k-1). `onFit` hears each strength as its fit starts (index into L2_GRID). */
export async function fitLayer(x: Float32Array, d: number, y: Int32Array, k: number, split: ProbeSplit, threads: number, signal?: CancelSignal, onFit?: (index: number, l2: number) => void): Promise<LayerFit> {
  const standardisation = fitStandardisation(x, d, split.train);
  const train = applyStandardisation(x, d, split.train, standardisation); // [nTrain, d]
  const validation = applyStandardisation(x, d, split.validation, standardisation);
  const test = applyStandardisation(x, d, split.test, standardisation);
  const [yTrain, yValidation, yTest] = [pick(y, split.train), pick(y, split.validation), pick(y, split.test)];
  let best: { model: LogisticModel; l2: number; score: number } | undefined;
  let init: LogisticModel | undefined;
  for (const [index, l2] of L2_GRID.entries()) {
    await checkpoint(signal);
    onFit?.(index, l2);
    const fit = await fitLogistic(graphObjective(train, yTrain, split.train.length, d, k, l2, threads), d, k, { maxIterations: ITERATIONS_PER_FIT, init });
    init = fit.model;
    const score = accuracyOf(confusionMatrix(yValidation, predictClasses(fit.model, validation, split.validation.length), k), k);
    if (!best || score > best.score) best = { model: fit.model, l2, score };
  }
  const chosen = best as { model: LogisticModel; l2: number };
  const confusion = confusionMatrix(yTest, predictClasses(chosen.model, test, split.test.length), k);
  return { accuracy: accuracyOf(confusion, k), macroF1: macroF1Of(confusion, k), confusion, l2: chosen.l2, model: chosen.model, standardisation };
}
