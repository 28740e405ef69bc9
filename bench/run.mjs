#!/usr/bin/env node
// `npm run bench`: every benchmark in one run, side by side, each printing its own table and
// `BENCH {...}` JSON lines. Figures, not pass/fail: these machines are shared and noisy.
//   npm run bench                 all
//   npm run bench -- latency      one (latency | internals | draw | probes | projector | projectorDraw | variants | e2e | future)
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const allocatorEnv = JSON.parse(readFileSync(new URL('../src/engine/allocatorEnv.json', import.meta.url), 'utf8'));

const benches = {
  latency: ['bench/nextTokenLatency.ts', 'next-token latency: cold load, warm in-process vs engine process, RPC overhead'],
  internals: ['bench/internals.ts', 'instrumented vs plain forward; attention summary peak RSS at 512/1024/2048 tokens; RSS under load and idle'],
  draw: ['bench/panelDraw.ts', 'attention panel drawing in chromium: 144 thumbnails, a 1024×1024 map'],
  probes: ['bench/probes.ts', 'probe training 10,000 × 256 × 8 per layer; hidden states vs plain forward; peak RSS streaming 50,000 positions'],
  projector: ['bench/projector.mts', 'projector: PCA 50,000 × 256 (onnxruntime vs JavaScript products), UMAP 5,000 points (exact k-NN vs NN-descent), peak RSS'],
  projectorDraw: ['bench/projectorDraw.ts', 'projector scatter in chromium: pan and zoom frames with 50,000 points'],
  variants: ['bench/variants.ts', 'the code LM\'s fp32 / fp16 / int8 variant files: size, load, forward at 128 and 512 tokens, max logit difference'],
  e2e: ['bench/e2eLatency.ts', 'right-click → next-token panel drawn in code-server + chromium, 128 tokens'],
  future: ['bench/futureTokens.ts', 'future-token probes on 200,000 positions of the code LM, 5 layers × 4 k (target ≤ 2 minutes; only when named: minutes)'],
};
/** long benches that run only when named (npm run bench -- future) */
const ON_REQUEST = new Set(['future']);

const wanted = process.argv.slice(2).filter((a) => a in benches);
const build = spawnSync(process.execPath, ['esbuild.config.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
let failed = 0;
for (const [name, [file, what]] of Object.entries(benches)) {
  if (wanted.length && !wanted.includes(name)) continue;
  if (!wanted.length && ON_REQUEST.has(name)) {
    console.log(`\n## ${name}: skipped (run it with npm run bench -- ${name})`);
    continue;
  }
  if (name === 'draw' || name === 'projectorDraw' || name === 'e2e') {
    if (!existsSync(process.env.CHROMIUM ?? '/usr/bin/chromium')) {
      console.log(`\n## ${name}: skipped (no chromium at /usr/bin/chromium)`);
      continue;
    }
  }
  console.log(`\n## ${name}: ${what}`);
  // in-process benches run with the engine process's allocator settings (src/engine/allocatorEnv.json), so they measure what it does
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', file], { stdio: 'inherit', env: { ...process.env, ...allocatorEnv, ORT_DISABLE_TELEMETRY: '1' } });
  if (r.status !== 0) {
    failed++;
    console.log(`(${name} exited with ${r.status})`);
  }
}
process.exit(failed ? 1 : 0);
