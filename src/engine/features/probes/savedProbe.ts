import { readFileSync, statSync, writeFileSync, renameSync, rmSync } from 'node:fs';
import { InputError } from '../../errors';
import { openFailure } from '../../../util/readBounded';
import type { LayerFit } from './fitLayer';
import type { ProbePool, ProbeTrainResult, SavedProbe } from '../../../protocol/probes';

// A probe as a JSON file: enough to apply it again (weights, standardisation, labels, layer) and
// to know what it was trained on (the model's and the dataset's sha256).

const MAX_PROBE_BYTES = 64 * 2 ** 20;

export function savedProbeOf(run: ProbeTrainResult, pool: ProbePool, layer: number, fit: LayerFit): SavedProbe {
  const r = run.layers.find((l) => l.layer === layer);
  if (!r) throw new InputError(`Layer ${layer} was not trained in this run (it has ${run.layers.map((l) => l.layer).join(', ')}).`);
  const { d, k, weights, bias } = fit.model;
  return {
    format: 'tensorloupe-probe', version: 1,
    model: run.model, modelSha256: run.modelSha256, dataset: run.dataset, datasetSha256: run.datasetSha256,
    task: run.task, pool, layer, hook: r.hook, labels: run.labels,
    standardisation: { mean: [...fit.standardisation.mean], scale: [...fit.standardisation.scale] },
    weights: Array.from({ length: k }, (_, c) => [...weights.subarray(c * d, (c + 1) * d)]),
    bias: [...bias],
    accuracy: r.accuracy, controlAccuracy: r.controlAccuracy,
  };
}

/** Written beside the target and renamed: a failed write leaves no half file. */
export function writeSavedProbe(out: string, probe: SavedProbe): number {
  if (!out.endsWith('.json')) throw new InputError(`The probe file must end in .json (got ${out}).`);
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, `${JSON.stringify(probe)}\n`);
    renameSync(tmp, out);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw new InputError(`Could not write ${out} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
  return statSync(out).size;
}

const isNumbers = (v: unknown, n: number): v is number[] => Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && Number.isFinite(x));

/** Reads and checks a saved probe; a wrong or damaged file is one line naming it. */
export function readSavedProbe(path: string): SavedProbe {
  let raw: unknown;
  try {
    if (statSync(path).size > MAX_PROBE_BYTES) throw new InputError(`${path} is larger than a probe file can be.`);
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    if (error instanceof InputError) throw error;
    if (error instanceof SyntaxError) throw new InputError(`${path} is not a saved probe (not JSON).`);
    throw new InputError(`${openFailure(path, error)}.`);
  }
  const p = raw as Partial<SavedProbe>;
  if (p?.format !== 'tensorloupe-probe' || p.version !== 1) throw new InputError(`${path} is not a saved probe (no "format": "tensorloupe-probe", version 1).`);
  const k = Array.isArray(p.labels) ? p.labels.length : 0;
  const d = Array.isArray(p.standardisation?.mean) ? p.standardisation.mean.length : 0;
  const ok = k >= 2 && d >= 1 && p.labels?.every((l) => typeof l === 'string') && Number.isInteger(p.layer) && typeof p.modelSha256 === 'string'
    && isNumbers(p.standardisation?.mean, d) && isNumbers(p.standardisation?.scale, d) && isNumbers(p.bias, k)
    && Array.isArray(p.weights) && p.weights.length === k && p.weights.every((w) => isNumbers(w, d));
  if (!ok) throw new InputError(`${path} is a damaged probe file (labels, weights, bias and standardisation do not agree in size).`);
  return p as SavedProbe;
}
