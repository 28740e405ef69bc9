// The linux-x64 VSIX that the integration and e2e tiers check. `npm test` packs it once
// (scripts/package.mjs, before the tiers) and passes its path in TENSORLOUPE_VSIX; a test file run
// on its own packs it here into a temporary folder, once per process.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './paths';

let packed: string | undefined;

export function linuxX64Vsix(): string {
  const given = process.env.TENSORLOUPE_VSIX;
  if (given) {
    if (!existsSync(given)) throw new Error(`TENSORLOUPE_VSIX=${given} does not exist`);
    return given;
  }
  if (packed) return packed;
  const dir = mkdtempSync(join(tmpdir(), 'tensorloupe-vsix-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  try {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'package.mjs'), 'linux-x64', '--out-dir', dir], { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    throw new Error(`scripts/package.mjs linux-x64 failed:\n${e.stderr ?? ''}${(e.stdout ?? '').slice(-2000)}`);
  }
  packed = join(dir, 'tensorloupe-linux-x64.vsix');
  return packed;
}
