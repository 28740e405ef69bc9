import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { InputError } from '../../errors';

// Which folders are the checkpoints of a run, and at which training step: checkpoints/step-{N}/
// inside a model folder, or folders the user chose (each named step-N, or with a metrics.json
// that says its "step"). Sorted by step; the last is "final", which the CKA compares against.

export interface CheckpointFolder {
  step: number;
  name: string;
  dir: string;
}

/** a checkpoint folder's name inside checkpoints/ */
export const STEP_NAME = /^step-(\d+)$/;
export const MAX_CHECKPOINTS = 64;

function stepOf(dir: string, index: number): number {
  const m = STEP_NAME.exec(basename(dir));
  if (m) return Number(m[1]);
  try {
    const step = (JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as { step?: unknown }).step;
    if (typeof step === 'number' && Number.isInteger(step) && step >= 0) return step;
  } catch {
    // no metrics.json: the order the user chose them in
  }
  return index;
}

export function listCheckpoints(model: string, folders?: string[]): CheckpointFolder[] {
  let dirs: string[];
  if (folders && folders.length > 0) {
    dirs = folders.map((f) => resolve(f));
    for (const d of dirs) if (!existsSync(d) || !statSync(d).isDirectory()) throw new InputError(`Checkpoint folder ${d} does not exist or is not a folder.`);
  } else {
    const root = join(resolve(model), 'checkpoints');
    if (!existsSync(root)) throw new InputError(`${basename(resolve(model))} has no checkpoints folder (looked for ${root}/step-N/); choose checkpoint folders instead.`);
    dirs = readdirSync(root).filter((n) => STEP_NAME.test(n)).map((n) => join(root, n)).filter((d) => statSync(d).isDirectory());
    if (dirs.length === 0) throw new InputError(`${root} holds no step-N folders.`);
  }
  if (dirs.length < 2) throw new InputError(`Comparing checkpoints needs at least 2; found ${dirs.length}.`);
  if (dirs.length > MAX_CHECKPOINTS) throw new InputError(`Found ${dirs.length} checkpoints; Tensorloupe compares at most ${MAX_CHECKPOINTS} at once.`);
  const out = dirs.map((dir, i) => ({ step: stepOf(dir, i), name: basename(dir), dir }));
  out.sort((a, b) => a.step - b.step || a.dir.localeCompare(b.dir));
  return out;
}
