// Where things live, in one place, so tests, bench and `npm start` agree.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const fixtureWorkspace = join(repoRoot, 'test', 'fixtures', 'workspace');
export const resultsDir = join(repoRoot, 'test-results', 'e2e');
export const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const cacheDir = process.env.TENSORLOUPE_CACHE ?? join(homedir(), '.cache', 'tensorloupe');

/** The code-server entry.js: $TENSORLOUPE_CODE_SERVER, else where scripts/setup-code-server.sh puts it. */
export function codeServerEntry(): string {
  return (
    process.env.TENSORLOUPE_CODE_SERVER ??
    join(cacheDir, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js')
  );
}
