// Which folder `npm start` opens: a copy of the sample workspace in the user's cache, never
// test/fixtures/workspace itself (Export Activations and the user's edits would land in the test
// fixtures, and the e2e tier copies those). The copy is made when missing and kept afterwards, so
// edits survive restarts; delete the folder to start fresh.
import { cpSync, existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @param {string} cacheDir  ~/.cache/tensorloupe (or $TENSORLOUPE_CACHE)
 * @param {string} sample    test/fixtures/workspace
 * @returns {{ path: string, copied: boolean }}
 */
export function prepareWorkspace(cacheDir, sample) {
  const path = join(cacheDir, 'workspace');
  if (existsSync(path)) return { path, copied: false };
  cpSync(sample, path, { recursive: true });
  return { path, copied: true };
}
