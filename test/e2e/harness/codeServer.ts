// Starts code-server (VS Code in the browser) for one test file: its own port, user-data-dir and
// extensions dir, so runs never share state with each other or with a developer's setup.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeServerEntry, repoRoot } from './paths';

export interface CodeServerOptions {
  /** Folder opened in the workbench. It is copied first, so tests can never dirty the repo. */
  workspace: string;
  /** Open `workspace` itself instead of a copy (npm start, on its own copy in the cache: the user's edits are kept). */
  useWorkspaceInPlace?: boolean;
  /** Symlink the repo root into the extensions dir as publisher.name-version (default true). */
  withExtension?: boolean;
  /**
   * Install this VSIX into the fresh extensions dir with code-server's `--install-extension`
   * instead of symlinking the repo root (`withExtension` is then ignored): what a user installs.
   */
  vsix?: string;
  /** Extra environment for code-server and so for the extension host and the engine it forks. */
  env?: Record<string, string>;
  /** Extra user settings, merged over the quiet defaults below. */
  settings?: Record<string, unknown>;
  /** Fixed port (npm start); default: a free one. */
  port?: number;
  /** Leave workspace trust on (default off: --disable-workspace-trust), for restricted-mode tests. */
  workspaceTrust?: boolean;
  /** Keep the run dir after stop() (debugging). Also on when TENSORLOUPE_E2E_KEEP=1. */
  keep?: boolean;
}

export interface CodeServer {
  url: string;
  port: number;
  /** The copied workspace folder that the workbench opened. */
  workspace: string;
  runDir: string;
  /** The extensions dir code-server runs with (the repo symlinked in, or the installed VSIX). */
  extensionsDir: string;
  logPath: string;
  /** Process group id: the extension host and the engine are in it too. */
  pgid: number;
  log(): string;
  stop(): Promise<void>;
}

// Quiet defaults: no Welcome page (it steals focus and keys), no trust prompt, no telemetry,
// no git scanning and less TypeScript-server work (both burn the CPU cores the tests share).
const baseSettings: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'git.enabled': false,
  'typescript.validate.enable': false,
  'typescript.suggest.enabled': false,
  'editor.minimap.enabled': false,
  'editor.hover.delay': 200,
  'workbench.colorTheme': 'Default Dark Modern',
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

function extensionFolderName(): string {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    publisher: string;
    name: string;
    version: string;
  };
  return `${manifest.publisher}.${manifest.name}-${manifest.version}`;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `code-server --install-extension`, with the same config, user data and extensions dir as the server. */
function installVsix(entry: string, vsix: string, dirs: { config: string; userData: string; extensions: string }): void {
  if (!existsSync(vsix)) throw new Error(`VSIX not found: ${vsix}`);
  const result = spawnSync(process.execPath, [
    entry, '--config', dirs.config, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--install-extension', vsix,
  ], { encoding: 'utf8', timeout: 180_000 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0 || !/was successfully installed/.test(output)) {
    throw new Error(`code-server --install-extension ${vsix} failed (exit ${result.status}):\n${output.slice(-3000)}`);
  }
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const entry = codeServerEntry();
  if (!existsSync(entry)) {
    throw new Error(`code-server not found at ${entry}: run scripts/setup-code-server.sh (or set TENSORLOUPE_CODE_SERVER)`);
  }
  const runDir = mkdtempSync(join(tmpdir(), 'tensorloupe-e2e-'));
  const userData = join(runDir, 'user-data');
  const extensions = join(runDir, 'extensions');
  const workspace = options.useWorkspaceInPlace ? options.workspace : join(runDir, 'workspace');
  mkdirSync(join(userData, 'User'), { recursive: true });
  mkdirSync(extensions, { recursive: true });
  if (!options.useWorkspaceInPlace) cpSync(options.workspace, workspace, { recursive: true });
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify({ ...baseSettings, ...options.settings }, null, 2),
  );
  // Without --config code-server reads and writes ~/.config/code-server/config.yaml.
  const config = join(runDir, 'config.yaml');
  writeFileSync(config, 'auth: none\n');
  if (options.vsix) {
    installVsix(entry, options.vsix, { config, userData, extensions });
  } else if (options.withExtension ?? true) {
    if (!existsSync(join(repoRoot, 'dist', 'extension.js'))) {
      throw new Error('dist/extension.js missing: run `npm run build` first');
    }
    // A symlinked folder works as an installed extension: no vsix, no install step.
    symlinkSync(repoRoot, join(extensions, extensionFolderName()));
  }

  const port = options.port ?? (await freePort());
  const logPath = join(runDir, 'code-server.log');
  const logFd = openSync(logPath, 'a');
  const args = [
    entry, '--config', config, '--user-data-dir', userData, '--extensions-dir', extensions,
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']), '--disable-getting-started-override',
    workspace,
  ];
  // detached: code-server leads its own process group, so stop() reaches the extension host and
  // the engine it forks with one signal, and a test can find the engine among its members.
  const child: ChildProcess = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, ...options.env },
  });
  const pgid = child.pid ?? 0;
  // Detached children outlive us: if this test process exits without stop() (a crash, an
  // uncaught error), take code-server's whole group down with it.
  const killGroupOnExit = (): void => { try { process.kill(-pgid, 'SIGKILL'); } catch { /* already gone */ } };
  process.once('exit', killGroupOnExit);
  const log = (): string => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '');
  const keep = options.keep ?? process.env.TENSORLOUPE_E2E_KEEP === '1';

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', killGroupOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      try { process.kill(-pgid, 'SIGTERM'); } catch { /* already gone */ }
      const timedOut = await Promise.race([exited.then(() => false), sleep(5000).then(() => true)]);
      if (timedOut) { try { process.kill(-pgid, 'SIGKILL'); } catch { /* already gone */ } }
    }
    // Children (the engine) may outlive the leader briefly; make sure the group is gone.
    try { process.kill(-pgid, 'SIGKILL'); } catch { /* already gone */ }
    if (!keep) rmSync(runDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) break;
    } catch { /* not listening yet */ }
    if (child.exitCode !== null || Date.now() > deadline) {
      const text = log();
      await stop();
      throw new Error(`code-server did not start (exit ${child.exitCode}):\n${text.slice(-3000)}`);
    }
    await sleep(100);
  }
  return { url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`, port, workspace, runDir, extensionsDir: extensions, logPath, pgid, log, stop };
}
