/** The CLI as a user runs it (dist/cli.js in its own process): telemetry off, long arguments,
 * output that reaches a pipe whole, --version, models in the Hugging Face cache layout, and a
 * damaged instrumentation cache that is rebuilt. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { EngineClient } from '../../src/host/engineClient';
import { builtEnginePath, CODE_LM, ROOT } from '../helpers/paths';
import { CLI, runCli } from '../helpers/cli';

builtEnginePath();

/** Fresh HOME, cache and temp folders, and an environment without the test runner's own ORT_DISABLE_TELEMETRY. */
function freshEnv(): { dirs: { home: string; cache: string; tmp: string }; env: NodeJS.ProcessEnv; root: string } {
  const root = mkdtempSync(join(tmpdir(), 'tl-cli-'));
  const dirs = { home: join(root, 'home'), cache: join(root, 'cache'), tmp: join(root, 'tmp') };
  for (const d of Object.values(dirs)) mkdirSync(d);
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: dirs.home, XDG_CACHE_HOME: dirs.cache, TMPDIR: dirs.tmp };
  delete env.ORT_DISABLE_TELEMETRY; // what a user's shell has: the fix must come from Tensorloupe itself
  return { dirs, env, root };
}

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push(relative(dir, join(d, e.name)));
    }
  };
  walk(dir);
  return out;
}

/** onnxruntime's telemetry leaves a device id and an SQLite queue under the cache and mat-debug-<pid>.log in the temp folder. */
function assertNoTelemetry(dirs: { home: string; cache: string; tmp: string }): void {
  const cache = [...filesUnder(dirs.cache), ...filesUnder(dirs.home)].filter((f) => !f.startsWith(join('tensorloupe', 'instrumented')));
  assert.deepEqual(cache, [], 'no onnxruntime telemetry files under the cache or home');
  assert.deepEqual(filesUnder(dirs.tmp).filter((f) => /mat-debug|\.ses/.test(f)), [], 'no mat-debug-*.log in the temp folder');
}

test('a CLI run leaves no onnxruntime telemetry files in the cache or the temp folder', async () => {
  const { dirs, env, root } = freshEnv();
  try {
    for (const args of [['next-token', 'def f():'], ['lens', 'def f():']]) {
      const r = await runCli(args, { env });
      assert.equal(r.code, 0, r.stderr);
    }
    assertNoTelemetry(dirs);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('an engine process run leaves no onnxruntime telemetry files', async () => {
  const { dirs, env, root } = freshEnv();
  const saved = { ...process.env };
  // the engine inherits this process's environment: make it the fresh one for the fork
  for (const k of Object.keys(process.env)) delete process.env[k];
  Object.assign(process.env, env);
  const client = new EngineClient({ enginePath: builtEnginePath(), settings: { provider: 'cpu', threads: 1, cacheDir: join(dirs.cache, 'tensorloupe', 'instrumented') } });
  try {
    await client.call('lm/nextToken', { model: CODE_LM, text: 'import os\n', topK: 3, maxTokens: 64 });
    await client.call('lens/get', { model: CODE_LM, text: 'import os\n', topK: 3, maxTokens: 64 });
  } finally {
    client.dispose();
    for (const k of Object.keys(process.env)) delete process.env[k];
    Object.assign(process.env, saved);
  }
  try {
    assertNoTelemetry(dirs);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('in-process engine handlers (tests, benchmarks) start onnxruntime without telemetry', () => {
  const { dirs, env, root } = freshEnv();
  try {
    const script = `const { createEngineHandlers } = require(${JSON.stringify(join(ROOT, 'src', 'engine', 'engineHandlers.ts'))});
      const h = createEngineHandlers({ provider: 'cpu', threads: 1 });
      h['lm/nextToken']({ model: ${JSON.stringify(CODE_LM)}, text: 'x = 1', topK: 3, maxTokens: 64 }, { cancelled: false, onCancel() {} })
        .then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assertNoTelemetry(dirs);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('one 40 KB argument without a newline does not crash the CLI', async () => {
  const { env, root } = freshEnv();
  try {
    const r = await runCli(['next-token', 'a'.repeat(40_000)], { env });
    assert.equal(r.signal, null, `crashed with ${r.signal}`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.toString(), /^model tensorloupe-code-lm/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

/** The CLI with stdout written straight to a file (no pipe in between). */
function runToFile(args: string[], file: string): Promise<number | null> {
  const fd = openSync(file, 'w');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', fd, 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => {
      closeSync(fd);
      resolve(code);
    });
  });
}

test('--json output reaches a pipe whole: the same bytes as written to a file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-cli-'));
  try {
    const args = ['next-token', '--json', '--top-k', '4096', 'def main():\n    return'];
    const piped = await runCli(args);
    assert.equal(piped.code, 0, piped.stderr);
    const file = join(dir, 'out.json');
    assert.equal(await runToFile(args, file), 0);
    const size = statSync(file).size;
    assert.ok(size > 256 * 1024, `large enough to overflow a pipe's buffer (${size} bytes)`);
    assert.equal(piped.stdout.length, size);
    const parsed = JSON.parse(piped.stdout.toString('utf8')) as { next: unknown[] };
    assert.equal(parsed.next.length, 4096);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--version prints the package version', async () => {
  const r = await runCli(['--version']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout.toString(), `${(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version}\n`);
});

test('surprisal prints a header over its table, and its truncation note names --max-tokens', async () => {
  const r = await runCli(['surprisal', '--max-tokens', '8', join(CODE_LM, 'config.json')]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.toString().split('\n');
  assert.match(lines[0], /^\s*bits\s+rank\s+token$/);
  // 8 tokens read; the first has no context to be predicted from (no BOS in this tokenizer)
  assert.equal(lines.filter((l) => /^\s+\d+\.\d{3}\s+\d+\s/.test(l)).length, 7);
  assert.match(r.stderr, /--max-tokens/);
  assert.doesNotMatch(r.stderr, /tensorloupe\.maxTokens/);
});

/** The bundled model as the Hugging Face hub cache stores it: snapshots/<rev>/… are links into ../blobs/<sha256>. */
function hubCacheCopy(root: string): string {
  const repo = join(root, 'models--tensorloupe--code-lm');
  const snapshot = join(repo, 'snapshots', '0123abcd');
  mkdirSync(join(repo, 'blobs'), { recursive: true });
  mkdirSync(join(snapshot, 'onnx'), { recursive: true });
  for (const f of ['config.json', 'tokenizer.json', 'tokenizer_config.json', join('onnx', 'model.onnx')]) {
    const sha = createHash('sha256').update(readFileSync(join(CODE_LM, f))).digest('hex');
    copyFileSync(join(CODE_LM, f), join(repo, 'blobs', sha));
    symlinkSync(relative(join(snapshot, f, '..'), join(repo, 'blobs', sha)), join(snapshot, f));
  }
  return snapshot;
}

test('a model in the Hugging Face cache layout (model.onnx a link into ../blobs) serves every command', async () => {
  const root = mkdtempSync(join(tmpdir(), 'tl-hub-'));
  try {
    const snapshot = hubCacheCopy(root);
    const env = { XDG_CACHE_HOME: join(root, 'cache') };
    const text = 'for i in range(10):';
    const lensHub = await runCli(['lens', '--json', '--model', snapshot, text], { env });
    assert.equal(lensHub.code, 0, lensHub.stderr);
    const lensPlain = await runCli(['lens', '--json', '--model', CODE_LM, text], { env });
    const grid = (r: { stdout: Buffer }) => (JSON.parse(r.stdout.toString()) as { grid: unknown }).grid;
    assert.deepEqual(grid(lensHub), grid(lensPlain), 'the same lens through the link as on the plain folder');
    for (const args of [['induction', '--seq-len', '8', '--batch', '1'], ['activations', '--names', 'blocks.*.attn.hook_pattern', '--out', join(root, 'a.safetensors'), text], ['next-token', text]]) {
      const r = await runCli([...args, '--model', snapshot], { env });
      assert.equal(r.code, 0, `${args[0]}: ${r.stderr}`);
    }
    assert.ok(statSync(join(root, 'a.safetensors')).size > 1000);
    assert.deepEqual(readdirSync(join(snapshot, 'onnx')), ['model.onnx'], 'nothing written beside the model');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a damaged instrumentation cache is detected and rebuilt', async () => {
  const root = mkdtempSync(join(tmpdir(), 'tl-cache-'));
  try {
    const env = { XDG_CACHE_HOME: root };
    const args = ['lens', '--json', 'while True:'];
    const grid = (r: { stdout: Buffer }) => (JSON.parse(r.stdout.toString()) as { grid: unknown }).grid;
    const first = await runCli(args, { env });
    assert.equal(first.code, 0, first.stderr);
    const entry = join(root, 'tensorloupe', 'instrumented', readdirSync(join(root, 'tensorloupe', 'instrumented'))[0]);
    const damages: [string, () => void][] = [
      ['graph truncated', () => writeFileSync(join(entry, 'model.onnx'), readFileSync(join(entry, 'model.onnx')).subarray(0, 1000))],
      ['graph deleted', () => rmSync(join(entry, 'model.onnx'))],
      ['record cut short', () => writeFileSync(join(entry, 'result.json'), '{"version":5,')],
    ];
    for (const [what, damage] of damages) {
      damage();
      const again = await runCli(args, { env });
      assert.equal(again.code, 0, `${what}: ${again.stderr}`);
      assert.deepEqual(grid(again), grid(first), what);
      assert.ok(existsSync(join(entry, 'model.onnx')), `${what}: rebuilt`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

/** A read-only cache needs a user the file permissions apply to: root ignores them. */
const asNobody = process.getuid?.() === 0 && spawnSync('runuser', ['-u', 'nobody', '--', 'true']).status === 0;

test('an unwritable XDG_CACHE_HOME fails once, with one line naming the cache', { skip: !asNobody && 'needs root and runuser to run as nobody' }, () => {
  const root = mkdtempSync(join(tmpdir(), 'tl-ro-'));
  try {
    const cache = join(root, 'cache');
    mkdirSync(cache, { mode: 0o555 });
    spawnSync('chmod', ['755', root]);
    const r = spawnSync('runuser', ['-u', 'nobody', '--', 'env', `XDG_CACHE_HOME=${cache}`, `HOME=${cache}`, process.execPath, CLI, 'lens', 'x'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.signal, null, 'no hang, no crash');
    assert.equal(r.status, 1, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], new RegExp(`Cannot create the instrumentation cache ${cache}/tensorloupe/instrumented/\\w+ \\(permission denied\\): set XDG_CACHE_HOME to a writable folder`));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
