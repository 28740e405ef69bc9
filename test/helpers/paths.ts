import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const CODE_LM = join(ROOT, 'models', 'tensorloupe-code-lm');

/** Bundles are built by `npm test`; build them here too when a tier is run on its own. */
export function builtEnginePath(): string {
  const engine = join(ROOT, 'dist', 'engine.js');
  if (!existsSync(engine)) execFileSync(process.execPath, ['esbuild.config.mjs'], { cwd: ROOT, stdio: 'inherit' });
  return engine;
}
