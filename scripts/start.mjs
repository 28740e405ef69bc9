#!/usr/bin/env node
// `npm start`: build, make sure code-server is installed, then serve VS Code in the browser on
// 127.0.0.1 with Tensorloupe installed, the bundled model (the default setting) and a copy of the
// sample workspace open (~/.cache/tensorloupe/workspace, made from test/fixtures/workspace when
// missing and kept, edits included, across restarts: see startWorkspace.mjs). Runs until Ctrl+C,
// then stops code-server and everything it started.
//
//   npm start                 port $PORT, else 8080, else a free one
//   PORT=9000 npm start
//   rm -rf ~/.cache/tensorloupe/workspace && npm start     start again from the sample
// The same harness as the e2e tests starts code-server (test/e2e/harness/codeServer.ts, loaded
// through tsx), so what you click here is what the tests drive.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { prepareWorkspace } from './startWorkspace.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

function portIsFree(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function choosePort() {
  if (process.env.PORT) return Number(process.env.PORT); // asked for explicitly: fail loudly if taken
  return (await portIsFree(8080)) ? 8080 : undefined; // undefined: the harness picks a free one
}

console.log('tensorloupe: building ...');
const build = spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

console.log(`tensorloupe: checking code-server (scripts/setup-code-server.sh; the first time takes a minute or two) ... [${elapsed()}]`);
if (!process.env.TENSORLOUPE_CODE_SERVER) {
  const setup = spawnSync('bash', [join(root, 'scripts', 'setup-code-server.sh')], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (setup.status !== 0) {
    console.error('tensorloupe: installing code-server failed (see above)');
    process.exit(1);
  }
  process.env.TENSORLOUPE_CODE_SERVER = setup.stdout.trim().split('\n').pop();
}

const { startCodeServer } = await tsImport('../test/e2e/harness/codeServer.ts', import.meta.url);
const { cacheDir, fixtureWorkspace } = await tsImport('../test/e2e/harness/paths.ts', import.meta.url);

const workspace = prepareWorkspace(cacheDir, fixtureWorkspace);
console.log(workspace.copied
  ? `tensorloupe: copied the sample workspace to ${workspace.path}`
  : `tensorloupe: opening your copy of the sample workspace, ${workspace.path} (delete it to start again from the sample)`);

const server = await startCodeServer({
  workspace: workspace.path,
  useWorkspaceInPlace: true, // the cache copy itself, so the user's edits are kept
  port: await choosePort(),
  // A friendlier editor than the tests' quiet one: keep the TypeScript service and the minimap.
  settings: { 'typescript.validate.enable': true, 'typescript.suggest.enabled': true, 'editor.minimap.enabled': true },
});

const line = '='.repeat(72);
console.log(`\n${line}\n  Tensorloupe in VS Code (code-server) is ready [${elapsed()}]:\n\n    ${server.url}\n\n  Select text in a file, right-click → "Inspect Next-Token Distribution"\n  or "Show Token Surprisal". Model: the bundled tensorloupe-code-lm.\n  Logs: ${server.logPath}\n  Press Ctrl+C to stop.\n${line}\n`);

let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`\ntensorloupe: ${signal}: stopping code-server ...`);
  await server.stop();
  console.log('tensorloupe: stopped.');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGHUP', () => void shutdown('SIGHUP'));

// If code-server dies on its own, say so and exit instead of hanging with a dead URL.
const watch = setInterval(async () => {
  try {
    const response = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    if (response.ok) return;
  } catch { /* fall through */ }
  if (stopping) return;
  clearInterval(watch);
  console.error(`tensorloupe: code-server stopped answering; its log:\n${server.log().slice(-3000)}`);
  await server.stop();
  process.exit(1);
}, 5000);
