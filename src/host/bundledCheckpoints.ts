import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { STEP_NAME } from '../engine/features/checkpoints/listCheckpoints';

// Model folders with checkpoints/step-N/ folders: tensorloupe-attn2 and its Zipf / uniform
// variants are bundled with theirs, so Select Model says so and Compare Checkpoints offers them
// when the current model has none.

/** how many step-N checkpoint folders a model folder holds */
export function checkpointCount(dir: string): number {
  const root = join(dir, 'checkpoints');
  return existsSync(root) ? readdirSync(root).filter((name) => STEP_NAME.test(name)).length : 0;
}

/** the bundled models (under extensionPath/models) with at least two checkpoints, by name */
export function bundledWithCheckpoints(extensionPath: string): { name: string; dir: string; count: number }[] {
  const models = join(extensionPath, 'models');
  if (!existsSync(models)) return [];
  return readdirSync(models)
    .sort()
    .map((name) => ({ name, dir: join(models, name), count: checkpointCount(join(models, name)) }))
    .filter((m) => m.count >= 2);
}
