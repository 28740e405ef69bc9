import { InputError } from '../../errors';
import { predictProbabilities } from '../../analyses/logisticRegression';
import type { InstrumentedLm } from '../../instrumentedModels';
import type { SavedProbe } from '../../../protocol/probes';

// A saved token-level probe read against a model's hidden states: the checks that it reads this
// model's residual stream, and its label and confidence for rows of [n, d] states. Apply Probe
// (an editor selection) and the projector (the projected points) both go through here.

/** `what` names the probe in the refusal (a file path, or "the last trained probe"). */
export function checkProbeFits(probe: SavedProbe, m: InstrumentedLm, what: string): void {
  if (probe.task !== 'token') throw new InputError(`${what} is a sequence-level probe (one label per text); only token-level probes label tokens.`);
  if (probe.modelSha256 !== m.result.modelHash) throw new InputError(`${what} was trained on ${probe.model} (sha256 ${probe.modelSha256.slice(0, 12)}…), not on ${m.base.folder.name}; its weights read another model's hidden states.`);
  const d = probe.standardisation.mean.length;
  if (d !== m.info.dModel) throw new InputError(`${what} reads ${d} features but ${m.base.folder.name}'s residual stream has ${m.info.dModel}.`);
}

export interface RowPredictions {
  /** index into probe.labels per row */
  label: Int32Array;
  /** the predicted label's probability per row */
  confidence: Float32Array;
}

/** The probe's prediction for each listed row of `data` ([?, d] row-major), standardised as in training. */
export function predictRows(probe: SavedProbe, data: ArrayLike<number>, rows: ArrayLike<number>): RowPredictions {
  const d = probe.standardisation.mean.length;
  const k = probe.labels.length;
  const { mean, scale } = probe.standardisation;
  const model = { d, k, weights: Float64Array.from(probe.weights.flat()), bias: Float64Array.from(probe.bias) };
  const n = rows.length;
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    for (let j = 0; j < d; j++) x[i * d + j] = (data[r * d + j] - mean[j]) / scale[j];
  }
  const probs = predictProbabilities(model, x, n); // [n, k]
  const label = new Int32Array(n);
  const confidence = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + best]) best = c;
    label[i] = best;
    confidence[i] = probs[i * k + best];
  }
  return { label, confidence };
}
