#!/usr/bin/env node
// Hand-made mutation testing: each mutant below is a deliberate bug a user would see (the eight of
// issue 9 first, then others). For each one this script copies the project to a temporary folder,
// applies the one edit there, runs the test files named for it, and reports whether a test failed
// (caught) or all passed (missed). The working tree is never edited.
//
//   node scripts/mutants.mjs               every mutant
//   node scripts/mutants.mjs 3 surprisal   only mutants whose id contains one of the words
//   node scripts/mutants.mjs --baseline    also run each test list unmutated first (must pass)
//
// Prints one line per mutant and a summary `caught N of M`; exits 1 when a mutant was missed.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** id, what the user would see, the file, the exact text and its replacement (every occurrence), the tests that should fail. */
const MUTANTS = [
  // --- the eight deliberate bugs of issue 9 ---
  { id: '1-entropy-log-base', bug: 'next-token entropy in bits uses log10', file: 'src/engine/features/nextToken/nextToken.ts',
    from: 'entropyNats.map((h) => h / Math.LN2)', to: 'entropyNats.map((h) => h / Math.LN10)', tests: ['test/integration/nextTokenReference.test.ts'] },
  { id: '1b-entropy-bits-ln', bug: 'entropyBits (panel after temperature/top-k/top-p) in nats', file: 'src/util/distribution.ts',
    from: 'h -= p * Math.log2(p);', to: 'h -= p * Math.log(p);', tests: ['test/unit/distribution.test.ts', 'test/unit/sampling.test.ts'] },
  { id: '2-thumbnail-keep-last', bug: 'attention thumbnail keeps the last value instead of the maximum', file: 'src/engine/features/attention/attentionMaps.ts',
    from: 'if (p > pooled[cell]) pooled[cell] = p;', to: 'pooled[cell] = p;', tests: ['test/unit/attentionThumbnail.test.ts', 'test/acceptance/attentionThumbnails.test.ts'] },
  { id: '3-surprisal-bos-offset', bug: 'surprisal windows forget the re-fed BOS', file: 'src/engine/features/surprisal/surprisal.ts',
    from: 'const offset = w.withBos ? 1 : 0;', to: 'const offset = 0;', tests: ['test/acceptance/surprisal.test.ts'] },
  { id: '4-surprisal-wrong-row', bug: "surprisal reads the token's own row instead of the previous one", file: 'src/engine/features/surprisal/surprisal.ts',
    from: 'p.alternatives, stats, k - 1)', to: 'p.alternatives, stats, k)', tests: ['test/acceptance/surprisal.test.ts'] },
  { id: '4b-surprisal-alternatives-row', bug: 'surprisal alternatives from the wrong row', file: 'src/engine/features/surprisal/surprisal.ts',
    from: 'const row = logits.subarray((k - 1) * vocab, k * vocab);', to: 'const row = logits.subarray(k * vocab, (k + 1) * vocab);', tests: ['test/acceptance/surprisal.test.ts'] },
  { id: '4c-surprisal-targets', bug: 'surprisal statistics paired with the wrong targets', file: 'src/engine/features/surprisal/surprisal.ts',
    from: 'const stats = await logitStats(logits, vocab, ids.slice(1), ctx.models.threads);', to: 'const stats = await logitStats(logits, vocab, ids, ctx.models.threads);', tests: ['test/acceptance/surprisal.test.ts'] },
  { id: '5-sample-always-top', bug: 'sampled continuations always pick the top token', file: 'src/engine/features/nextToken/generate.ts',
    from: 'id = sampleIndex(dist.probs, random());', to: 'id = dist.kept[0];', tests: ['test/integration/sampling.test.ts'] },
  { id: '5b-sampler-first-nonzero', bug: 'sampleIndex returns the first possible id', file: 'src/util/distribution.ts',
    from: 'if (u < acc) return i;', to: 'return i;', tests: ['test/unit/sampling.test.ts', 'test/integration/sampling.test.ts'] },
  { id: '5c-temperature-ignored', bug: 'temperature has no effect', file: 'src/util/distribution.ts',
    from: 'const e = Math.exp((logits[i] - max) / t);', to: 'const e = Math.exp(logits[i] - max);', tests: ['test/unit/sampling.test.ts', 'test/integration/sampling.test.ts'] },
  { id: '5d-top-p-whole-vocab', bug: 'top-p after top-k measures mass over the whole vocabulary', file: 'src/util/distribution.ts',
    from: 'mass += base[order[n]] / kMass;', to: 'mass += base[order[n]];', tests: ['test/unit/sampling.test.ts', 'test/integration/sampling.test.ts'] },
  { id: '6-buckets-shifted', bug: 'surprisal colour buckets shifted by one boundary', file: 'src/util/surprisalBuckets.ts',
    from: '[1, 2, 4, 7, 11]', to: '[2, 4, 7, 11, 16]', tests: ['test/unit/surprisalBuckets.test.ts'] },
  { id: '6b-buckets-inclusive', bug: 'a boundary value falls in the lower bucket', file: 'src/util/surprisalBuckets.ts',
    from: 'bits < b', to: 'bits <= b', tests: ['test/unit/surprisalBuckets.test.ts'] },
  { id: '7-attention-ignores-cancel', bug: 'attention summary ignores Cancel once running', file: 'src/engine/features/attention/attention.ts',
    from: '        throwIfCancelled(signal);\n        for (let l = 0; l < nLayers; l++) {', to: '        for (let l = 0; l < nLayers; l++) {', tests: ['test/integration/cancelMidRun.test.ts'] },
  { id: '7b-dilution-ignores-cancel', bug: 'dilution sweep ignores Cancel once running', file: 'src/engine/features/dilution/dilution.ts',
    from: 'if (signal.cancelled) throw new CancelledError();', to: '', tests: ['test/integration/cancelMidRun.test.ts'] },
  { id: '8-dilution-previous-layer', bug: "dilution's residual cosine read from the previous layer", file: 'src/engine/features/dilution/dilution.ts',
    from: 'hook_resid_post', to: 'hook_resid_pre', tests: ['test/acceptance/dilution.test.ts'] },
  // --- others on the same paths ---
  { id: '9-dilution-entropy-log2', bug: 'entropy ratio divides by log2 n', file: 'src/engine/analyses/dilution.ts',
    from: 'sum += e / Math.log(visible);', to: 'sum += e / Math.log2(visible);', tests: ['test/acceptance/dilution.test.ts'] },
  { id: '9b-dilution-first-token', bug: 'first-token mass reads the second key', file: 'src/engine/analyses/dilution.ts',
    from: 'for (let r = 0; r < H * S; r++) sum += data[r * T];', to: 'for (let r = 0; r < H * S; r++) sum += data[r * T + 1] ?? 0;', tests: ['test/acceptance/dilution.test.ts'] },
  { id: '9c-cosine-unnormalised', bug: 'residual cosine uses the unnormalised dot product', file: 'src/engine/analyses/dilution.ts',
    from: 'dot / (Math.sqrt(norm) * mNorm)', to: 'dot / mNorm', tests: ['test/acceptance/dilution.test.ts'] },
  { id: '10-windows-no-overlap', bug: 'surprisal windows do not overlap (stride = window)', file: 'src/engine/contextWindows.ts',
    from: 'const stride = Math.max(1, Math.floor(size / 2));', to: 'const stride = size;', tests: ['test/acceptance/surprisal.test.ts'] },
  { id: '11-entropy-cancelling', bug: 'entropy as lse − Σp·logits (float32 cancellation, 1.5e-4 bits)', file: 'src/engine/smallGraphs/logitStats.ts',
    from: "input: ['p', 'logp'], output: ['plogp'] },\n      { opType: 'ReduceSum', input: ['plogp', 'axes'], output: ['neg_entropy'], attribute: KEEPDIMS_0 },\n      { opType: 'Neg', input: ['neg_entropy'], output: ['entropy'] },",
    to: "input: ['p', 'logits'], output: ['pl'] },\n      { opType: 'ReduceSum', input: ['pl', 'axes'], output: ['mean_logit'], attribute: KEEPDIMS_0 },\n      { opType: 'Sub', input: ['lse', 'mean_logit'], output: ['entropy'] },",
    tests: ['test/integration/nextTokenReference.test.ts'] },
  { id: '12-ids-always-int64', bug: 'int32-id models fed int64 ids', file: 'src/engine/runners/decoderLm.ts',
    from: "this.idsType = ids.type === 'int32' ? 'int32' : 'int64';", to: "this.idsType = 'int64';", tests: ['test/acceptance/modelDtypes.test.ts'] },
  { id: '12b-float16-past-as-float32', bug: 'float16 models fed a float32 KV cache', file: 'src/engine/runners/decoderLm.ts',
    from: "if (md?.type === 'float16') floatType = 'float16';", to: '', tests: ['test/acceptance/modelDtypes.test.ts'] },
  { id: '12c-half-exponent-bias', bug: 'float16 logits decoded with the wrong exponent bias', file: 'src/util/float16.ts',
    from: '2 ** (exp - 15)', to: '2 ** (exp - 16)', tests: ['test/unit/float16.test.ts', 'test/acceptance/modelDtypes.test.ts'] },
  { id: '13-cuda-fallback-silent', bug: "'cuda' without its library falls back without saying why", file: 'src/engine/executionProviders.ts',
    from: 'skipped.push({ provider: p, reason: cudaMissingReason(libs) });', to: 'void libs;', tests: ['test/unit/executionProviders.test.ts', 'test/integration/executionProviderFallback.test.ts'] },
  { id: '13e-cuda-half-installed', bug: "CUDA is tried with only one of its two provider libraries present (the session then fails)", file: 'src/engine/executionProviders.ts',
    from: "cudaLibraryNames(platform).filter((f) => !existsSync(join(folder as string, f)))", to: "cudaLibraryNames(platform).slice(0, 1).filter((f) => !existsSync(join(folder as string, f)))", tests: ['test/unit/executionProviders.test.ts'] },
  { id: '13f-info-skips-subgraphs', bug: 'Model Info counts no op or weight inside If/Loop/Scan bodies', file: 'src/engine/features/modelInfo/graphFacts.ts',
    from: '          yield { graph: sub, nested: true };', to: '          void sub;', tests: ['test/unit/modelInfoFacts.test.ts'] },
  { id: '13b-auto-ignores-table', bug: "'auto' never tries the platform's accelerator", file: 'src/engine/executionProviders.ts',
    from: "setting === 'auto' ? [...table]", to: "setting === 'auto' ? ['cpu' as ProviderName]", tests: ['test/unit/executionProviders.test.ts'] },
  // (removing `candidates.push('cpu')` is an equivalent mutant: every wanted list already ends in 'cpu')
  { id: '13d-note-dropped', bug: 'the fallback note never reaches the status bar', file: 'src/engine/sessions.ts',
    from: 'providerNote: notes.length > 0 ?', to: 'providerNote: notes.length > 99 ?', tests: ['test/integration/executionProviderFallback.test.ts'] },
  { id: '14-untrusted-uses-setting', bug: 'an untrusted workspace loads the model its settings name', file: 'src/host/settingRules.ts',
    from: 'if (!configured || !c.trusted) return c.bundled;', to: 'if (!configured) return c.bundled;', tests: ['test/unit/settingRules.test.ts'] },
  { id: '14b-workspace-folder-kept', bug: '${workspaceFolder} not expanded', file: 'src/host/settingRules.ts',
    from: "configured.startsWith('${workspaceFolder}') && c.workspaceFolder", to: 'false', tests: ['test/unit/settingRules.test.ts'] },
  { id: '14c-setting-nan', bug: 'a string in settings.json becomes NaN', file: 'src/host/settingRules.ts',
    from: "if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;", to: 'value = Number(value);', tests: ['test/unit/settingRules.test.ts'] },
  { id: '15-validate-fraction', bug: 'a webview can send layer 1.5', file: 'src/util/validate.ts',
    from: '!Number.isInteger(value) ||', to: '', tests: ['test/unit/validate.test.ts'] },
  { id: '15b-validate-nan', bug: 'a webview can send temperature NaN', file: 'src/util/validate.ts',
    from: '!Number.isFinite(value) ||', to: '', tests: ['test/unit/validate.test.ts'] },
  { id: '15c-validate-prototype', bug: "oneOf accepts 'toString'", file: 'src/util/validate.ts',
    from: '!(options as readonly string[]).includes(value)', to: '!(value in Object.fromEntries(options.map((o) => [o, 1])))', tests: ['test/unit/validate.test.ts'] },
  { id: '15d-validate-length', bug: 'shortString lets one character too many through', file: 'src/util/validate.ts',
    from: 'value.length > maxLength)', to: 'value.length > maxLength + 1)', tests: ['test/unit/validate.test.ts'] },
  { id: '16-next-rank-off-by-one', bug: "the next-token table's rank column off by one", file: 'src/engine/features/nextToken/nextToken.ts',
    from: 'stats.nextRank[i] = t.rank;', to: 'stats.nextRank[i] = t.rank + 1;', tests: ['test/integration/nextTokenReference.test.ts'] },
  { id: '16b-greedy-second-best', bug: 'greedy continuation takes the second most probable token', file: 'src/engine/features/nextToken/generate.ts',
    from: 'id = topKIndices(row, 1)[0];', to: 'id = topKIndices(row, 2)[1];', tests: ['test/integration/sampling.test.ts', 'test/acceptance/modelDtypes.test.ts'] },
  // --- audio (issue 12) ---
  { id: '39-audio-hann-symmetric', bug: 'log-mel features with a symmetric Hann window (Whisper uses the periodic one)', file: 'src/engine/preprocess/audio/whisperFeatures.ts',
    from: 'Math.cos((2 * Math.PI * i) / cfg.nFft)', to: 'Math.cos((2 * Math.PI * i) / (cfg.nFft - 1))', tests: ['test/acceptance/audioFeatures.test.ts'] },
  { id: '40-audio-resampler-phase', bug: 'the resampler uses the next phase of its filter', file: 'src/engine/preprocess/audio/resample.ts',
    from: 'const row = ph * taps + W - 1;', to: 'const row = Math.min(ph + 1, L - 1) * taps + W - 1;', tests: ['test/acceptance/audioFeatures.test.ts'] },
  { id: '41-audio-rollout-no-residual', bug: 'attention rollout leaves out the residual identity', file: 'src/engine/analyses/rollout.ts',
    from: 'fused[i * n + j] + (i === j ? 1 : 0)', to: 'fused[i * n + j]', tests: ['test/acceptance/audioClassifier.test.ts'] },
  { id: '42-audio-wav-duration-from-data', bug: 'a 10-hour WAV is read before its length is checked', file: 'src/engine/preprocess/audio/wav.ts',
    from: 'checkDuration(name, Math.floor(declared / frameBytes), f.sampleRate);', to: 'checkDuration(name, Math.max(1, frames), f.sampleRate);', tests: ['test/unit/audioDecode.test.ts'] },
];

const all = MUTANTS;
const args = process.argv.slice(2);
const baseline = args.includes('--baseline');
const words = args.filter((a) => !a.startsWith('--'));
const chosen = words.length ? all.filter((m) => words.some((w) => m.id.includes(w))) : all;

/** A copy of the project that a mutant may edit: src and test copied, the rest linked. */
function makeCopy() {
  const dir = mkdtempSync(join(tmpdir(), 'tl-mutant-'));
  for (const d of ['src', 'test', 'webview']) cpSync(join(root, d), join(dir, d), { recursive: true });
  for (const f of ['package.json', 'tsconfig.json', 'esbuild.config.mjs']) cpSync(join(root, f), join(dir, f));
  for (const d of ['node_modules', 'models', 'media']) symlinkSync(join(root, d), join(dir, d));
  return dir;
}

function runTests(dir, tests) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=dot', ...tests], {
    cwd: dir, encoding: 'utf8', timeout: 10 * 60 * 1000, env: { ...process.env, OPENBLAS_NUM_THREADS: '1' },
  });
  return { ok: r.status === 0, out: `${r.stdout}\n${r.stderr}` };
}

let caught = 0;
const missed = [];
const rows = [];
for (const m of chosen) {
  const dir = makeCopy();
  try {
    if (baseline) {
      const b = runTests(dir, m.tests);
      if (!b.ok) { console.log(`BASELINE FAILS ${m.id}: ${m.tests.join(' ')}\n${b.out.slice(-2000)}`); process.exitCode = 1; continue; }
    }
    const path = join(dir, m.file);
    const text = readFileSync(path, 'utf8');
    const n = text.split(m.from).length - 1;
    if (n === 0) { console.log(`STALE   ${m.id}: the text to mutate is no longer in ${m.file}`); missed.push(m.id); continue; }
    writeFileSync(path, text.split(m.from).join(m.to));
    const t0 = Date.now();
    const r = runTests(dir, m.tests);
    const failing = [...r.out.matchAll(/^\s*(?:✖|not ok \d+ -) (.+?)(?: \(\d.*\))?$/gm)].map((x) => x[1]).filter((t) => !t.startsWith('/') && !/^failing tests/.test(t));
    const verdict = r.ok ? 'MISSED' : 'caught';
    if (r.ok) missed.push(m.id); else caught++;
    const by = r.ok ? '' : ` by: ${[...new Set(failing)].slice(0, 2).join(' | ') || 'a test file failed'}`;
    console.log(`${verdict.padEnd(7)} ${m.id.padEnd(30)} ${m.bug} (${((Date.now() - t0) / 1000).toFixed(0)} s)${by}`);
    rows.push({ id: m.id, bug: m.bug, verdict, by: [...new Set(failing)].slice(0, 2) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
console.log(`\ncaught ${caught} of ${chosen.length}${missed.length ? `; missed or stale: ${missed.join(', ')}` : ''}`);
if (missed.length) process.exitCode = 1;
