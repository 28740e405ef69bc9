#!/usr/bin/env node
// `npm test`: builds once, then runs the test tiers in order (unit → integration → acceptance →
// e2e) with node's own test runner, and ends with one summary line `N passed, N failed[, N skipped]`.
//
//   npm test                          all tiers
//   npm test -- --tier unit           one tier (repeat --tier, or --tier unit,e2e, for several)
//   npm test -- --no-build            reuse dist/ as it is
// Before the integration and e2e tiers it packs the linux-x64 VSIX once (scripts/package.mjs) for
// their VSIX tests; TENSORLOUPE_VSIX=path reuses a VSIX packed already.
//
// E2E needs /usr/bin/chromium (or $CHROMIUM) and code-server (scripts/setup-code-server.sh; run
// here when missing). Without them the tier is skipped with a loud banner — unless CI is set or
// TENSORLOUPE_E2E=required, where missing parts fail the run. TENSORLOUPE_E2E=skip skips it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const allTiers = ['unit', 'integration', 'acceptance', 'e2e'];

function parseArgs(argv) {
  const tiers = [];
  let build = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--tier' || arg === '-t') tiers.push(...(argv[++i] ?? '').split(','));
    else if (arg.startsWith('--tier=')) tiers.push(...arg.slice(7).split(','));
    else if (arg === '--no-build') build = false;
    else if (allTiers.includes(arg)) tiers.push(arg); // `npm test unit` works too
    else { console.error(`unknown argument ${arg}; use --tier ${allTiers.join('|')} [--no-build]`); process.exit(2); }
  }
  for (const t of tiers) if (!allTiers.includes(t)) { console.error(`unknown tier ${t}; tiers: ${allTiers.join(', ')}`); process.exit(2); }
  return { tiers: tiers.length ? allTiers.filter((t) => tiers.includes(t)) : allTiers, build };
}

function testFiles(tier) {
  const dir = join(root, 'test', tier);
  const suffix = tier === 'e2e' ? '.e2e.test.ts' : '.test.ts';
  const found = [];
  const walk = (d) => {
    if (!existsSync(d)) return;
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      if (entry.isDirectory()) { if (entry.name !== 'harness' && entry.name !== 'node_modules') walk(join(d, entry.name)); }
      else if (entry.name.endsWith(suffix)) found.push(join(d, entry.name));
    }
  };
  walk(dir);
  return found.sort();
}

/** Rough count of test() calls, only to report how many tests a skipped tier held. */
function countTests(files) {
  let n = 0;
  for (const f of files) n += (readFileSync(f, 'utf8').match(/^\s*(?:test|it)\(/gm) ?? []).length;
  return n;
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Runs one tier; spec output to the terminal, TAP to a file that we count from. */
function runTier(tier, files) {
  const tapDir = mkdtempSync(join(tmpdir(), `tensorloupe-${tier}-`));
  const tapFile = join(tapDir, 'report.tap');
  const args = ['--import', 'tsx', '--test',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tapFile}`];
  // Each e2e file starts its own code-server and chromium; one at a time on small machines.
  if (tier === 'e2e') args.push('--test-concurrency=1');
  args.push(...files);
  return new Promise((resolve) => {
    // tests that open onnxruntime sessions themselves get its telemetry off too (src/engine/telemetryOff.ts)
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ORT_DISABLE_TELEMETRY: '1' } });
    child.on('exit', (code, signal) => {
      const tap = existsSync(tapFile) ? readFileSync(tapFile, 'utf8') : '';
      rmSync(tapDir, { recursive: true, force: true });
      // node's TAP reporter ends with `# pass N`, `# fail N`, `# cancelled N`, `# skipped N`, `# todo N`.
      const count = (name) => Number((tap.match(new RegExp(`^# ${name} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
      const passed = count('pass');
      let failed = count('fail') + count('cancelled');
      const todo = count('todo'); // node:test `todo` tests run and are shown, but do not fail the run
      const skipped = count('skipped') + todo;
      // A crash before any report (syntax error, killed runner) must still fail the run.
      if ((code !== 0 || signal) && failed === 0) failed = 1;
      resolve({ passed, failed, skipped, todo });
    });
  });
}

function banner(lines) {
  const width = Math.max(...lines.map((l) => l.length)) + 4;
  const bar = '#'.repeat(width);
  console.log(['', bar, ...lines.map((l) => `# ${l.padEnd(width - 4)} #`), bar, ''].join('\n'));
}

function isTruthyEnv(value) {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/** Finds (or installs) what e2e needs; returns the missing parts and the code-server entry. */
function e2ePrerequisites() {
  const missing = [];
  const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) missing.push(`chromium (${chromium}): apt-get install chromium`);
  const cache = process.env.TENSORLOUPE_CACHE ?? join(homedir(), '.cache', 'tensorloupe');
  let entry = process.env.TENSORLOUPE_CODE_SERVER ?? join(cache, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const ready = existsSync(join(cache, 'code-server', '.ready-4.100.3'));
  if (!process.env.TENSORLOUPE_CODE_SERVER && (!ready || !existsSync(entry)) && missing.length === 0) {
    console.log('e2e: installing code-server with scripts/setup-code-server.sh (once; about a minute) ...');
    const setup = spawnSync('bash', [join(root, 'scripts', 'setup-code-server.sh')], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (setup.status === 0) entry = setup.stdout.trim().split('\n').pop() ?? entry;
  }
  if (!existsSync(entry)) missing.push(`code-server (${entry}): run scripts/setup-code-server.sh`);
  return { missing, entry };
}

/**
 * Packs the linux-x64 VSIX once for the integration and e2e tiers (test/helpers/vsix.ts reads
 * TENSORLOUPE_VSIX), into a temporary folder removed when the run ends.
 */
function packVsix(tiers) {
  if (process.env.TENSORLOUPE_VSIX || !tiers.some((t) => t === 'integration' || t === 'e2e')) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'tensorloupe-vsix-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const result = spawnSync(process.execPath, [join(root, 'scripts', 'package.mjs'), 'linux-x64', '--out-dir', dir], { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) {
    console.error(`scripts/package.mjs linux-x64 failed (exit ${result.status}):\n${result.stderr}${result.stdout.slice(-2000)}`);
    return false;
  }
  console.log(result.stdout.split('\n').filter((l) => l.startsWith('package:')).join('\n'));
  process.env.TENSORLOUPE_VSIX = join(dir, 'tensorloupe-linux-x64.vsix');
  return true;
}

async function main() {
  const { tiers, build } = parseArgs(process.argv.slice(2));
  const t0 = Date.now();
  const summary = [];
  let failedRun = false;

  if (build) {
    const t = Date.now();
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const result = spawnSync(npm, ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
    summary.push({ tier: 'build', status: result.status === 0 ? 'ok' : 'FAILED', ms: Date.now() - t });
    if (result.status !== 0) {
      console.error('build failed: not running the tests');
      console.log('\n0 passed, 1 failed');
      process.exit(1);
    }
  }

  const packStart = Date.now();
  const packed = packVsix(tiers);
  if (packed !== undefined) summary.push({ tier: 'package', status: packed ? 'ok (linux-x64 VSIX)' : 'FAILED', ms: Date.now() - packStart });
  if (packed === false) failedRun = true; // the VSIX tests then pack again themselves, and fail with the reason

  const totals = { passed: 0, failed: 0, skipped: 0 };
  for (const tier of tiers) {
    const files = testFiles(tier);
    const t = Date.now();
    if (files.length === 0) { summary.push({ tier, status: 'no tests', ms: 0 }); continue; }
    if (tier === 'e2e') {
      const required = isTruthyEnv(process.env.CI) || process.env.TENSORLOUPE_E2E === 'required';
      const optOut = process.env.TENSORLOUPE_E2E === 'skip' && !required;
      const { missing, entry } = optOut ? { missing: ['TENSORLOUPE_E2E=skip'], entry: '' } : e2ePrerequisites();
      if (missing.length) {
        const n = countTests(files);
        if (required) {
          banner(['E2E TIER REQUIRED BUT CANNOT RUN (CI or TENSORLOUPE_E2E=required):', ...missing.map((m) => `  missing: ${m}`)]);
          totals.failed += Math.max(1, n);
          summary.push({ tier, status: 'FAILED: prerequisites missing', ms: Date.now() - t });
          failedRun = true;
        } else {
          banner([
            'E2E TIER SKIPPED — the extension was NOT tested in a real VS Code UI.',
            ...missing.map((m) => `  missing: ${m}`),
            `  ${n} e2e test(s) in ${files.length} file(s) not run.`,
            '  Install the missing parts, or set TENSORLOUPE_E2E=required to make this an error.',
          ]);
          totals.skipped += n;
          summary.push({ tier, status: `SKIPPED (${n} tests): ${missing.join('; ')}`, ms: 0 });
        }
        continue;
      }
      process.env.TENSORLOUPE_CODE_SERVER = entry;
    }
    console.log(`\n=== ${tier}: ${files.map((f) => relative(root, f)).join(' ')}`);
    const result = await runTier(tier, files);
    totals.passed += result.passed;
    totals.failed += result.failed;
    totals.skipped += result.skipped;
    if (result.failed) failedRun = true;
    const parts = [`${result.passed} passed`, `${result.failed} failed`];
    if (result.skipped) parts.push(`${result.skipped} skipped${result.todo ? ` (${result.todo} todo)` : ''}`);
    summary.push({ tier, status: parts.join(', '), ms: Date.now() - t });
  }

  console.log('\n=== summary');
  for (const s of summary) console.log(`  ${s.tier.padEnd(12)} ${s.status.padEnd(40)} ${seconds(s.ms)}`);
  console.log(`  ${'total'.padEnd(12)} ${''.padEnd(40)} ${seconds(Date.now() - t0)}`);
  const parts = [`${totals.passed} passed`, `${totals.failed} failed`];
  if (totals.skipped) parts.push(`${totals.skipped} skipped`);
  console.log(parts.join(', '));
  process.exit(failedRun || totals.failed > 0 ? 1 : 0);
}

await main();
