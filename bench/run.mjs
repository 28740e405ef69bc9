#!/usr/bin/env node
// `npm run bench`: every benchmark in one run, side by side, each printing its own table and
// `BENCH {...}` JSON lines. Figures, not pass/fail: these machines are shared and noisy.
//   npm run bench                 all
//   npm run bench -- latency      one (latency | internals | draw | probes | projector | projectorDraw | variants | real | realProbes | baselines | interventions | image | audio | future | e2e)
//   npm run bench -- --quick      the real-size benches at 128 tokens only, GPT-2 only, 3 rounds (a smoke run)
//   npm run bench -- real --big   5 rounds at 512 tokens too (3 by default) and peak RSS of both real-size models
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const allocatorEnv = JSON.parse(readFileSync(new URL('../src/engine/allocatorEnv.json', import.meta.url), 'utf8'));
const engineExecArgv = JSON.parse(readFileSync(new URL('../src/engine/engineExecArgv.json', import.meta.url), 'utf8'));

const benches = {
  latency: ['bench/nextTokenLatency.ts', 'next-token latency: cold load, warm in-process vs engine process, RPC overhead'],
  internals: ['bench/internals.ts', 'instrumented vs plain forward; attention summary peak RSS at 512/1024/2048 tokens; RSS under load and idle'],
  draw: ['bench/panelDraw.ts', 'attention panel drawing in chromium: 144 thumbnails, a 1024×1024 map'],
  probes: ['bench/probes.ts', 'probe training 10,000 × 256 × 8 per layer; hidden states vs plain forward; peak RSS streaming 50,000 positions'],
  projector: ['bench/projector.mts', 'projector: PCA 50,000 × 256 (onnxruntime vs JavaScript products), UMAP 5,000 points (exact k-NN vs NN-descent), peak RSS'],
  projectorDraw: ['bench/projectorDraw.ts', 'projector scatter in chromium: pan and zoom frames with 50,000 points'],
  variants: ['bench/variants.ts', 'the code LM\'s fp32 / fp16 / int8 variant files: size, load, forward at 128 and 512 tokens, max logit difference'],
  real: ['bench/realSize.ts', 'real sizes: GPT-2-small-shaped (124M) and Llama-style (110M) models built by the bench; product requests ÷ a plain onnxruntime forward, peak RSS, PyTorch eager'],
  realProbes: ['bench/realSizeProbes.ts', 'real sizes: hidden states of 10,000 tokens at every layer ÷ plain forwards, probe training per layer, PCA of 50,000 × 768 on the 124M model'],
  baselines: ['bench/baselines.ts', 'baselines: index a 10 MB corpus (suffix array + n-gram levels) on one core, bytes/token, a warm 2,000-token query'],
  interventions: ['bench/interventions.ts', 'code LM: full resid_pre patching of 64 tokens vs layers × positions single forwards; warm head ablation at 128 tokens'],
  audio: ['bench/audio.ts', 'Inspect Audio on a 30-second clip: decode, resample, features, windowed forward, inspect + attention (warm)'],
  e2e: ['bench/e2eLatency.ts', 'right-click → next-token panel drawn in code-server + chromium, 128 tokens'],
  image: ['bench/imagePanel.ts', 'Inspect Image warm: engine request (decode, preprocess, instrumented forward, rollout, lens) + image panel drawn in chromium, glyph ViT'],
  future: ['bench/futureTokens.ts', 'future-token probes on 200,000 positions of the code LM, 5 layers × 4 k (target ≤ 2 minutes; only when named: minutes)'],
};
/** long benches that run only when named (npm run bench -- future) */
const ON_REQUEST = new Set(['future']);

const wanted = process.argv.slice(2).filter((a) => a in benches);
const quick = { ...(process.argv.includes('--quick') ? { BENCH_QUICK: '1' } : {}), ...(process.argv.includes('--big') ? { BENCH_BIG: '1' } : {}) };
const build = spawnSync(process.execPath, ['esbuild.config.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
let failed = 0;
for (const [name, [file, what]] of Object.entries(benches)) {
  if (wanted.length && !wanted.includes(name)) continue;
  if (!wanted.length && ON_REQUEST.has(name)) {
    console.log(`\n## ${name}: skipped (run it with npm run bench -- ${name})`);
    continue;
  }
  if (name === 'draw' || name === 'projectorDraw' || name === 'e2e' || name === 'image') {
    if (!existsSync(process.env.CHROMIUM ?? '/usr/bin/chromium')) {
      console.log(`\n## ${name}: skipped (no chromium at /usr/bin/chromium)`);
      continue;
    }
  }
  console.log(`\n## ${name}: ${what}`);
  // in-process benches run with the engine process's allocator settings and V8 flags (src/engine/allocatorEnv.json, engineExecArgv.json), so they measure what it does
  const r = spawnSync(process.execPath, [...engineExecArgv, '--expose-gc', '--import', 'tsx', file], { stdio: 'inherit', env: { ...process.env, ...allocatorEnv, ...quick, ORT_DISABLE_TELEMETRY: '1' } });
  if (r.status !== 0) {
    failed++;
    console.log(`(${name} exited with ${r.status})`);
  }
}
process.exit(failed ? 1 : 0);
