// CUDA against CPU on the bundled LM, through the engine's own loader (scripts/device-check.sh runs
// this on a machine with an NVIDIA GPU; nothing in the tests does). Prints the provider each
// session got, the max |logit difference| and the median forward time of each, and the speed-up.
// Exit 1 when the CUDA session fell back to the CPU (the note says why), 2 when the logits differ
// by more than the tolerance.
import { performance } from 'node:perf_hooks';
import { LanguageModels } from '../src/engine/languageModels';

const model = process.argv[2] ?? 'models/tensorloupe-code-lm';
const lengths = (process.env.DEVICE_CHECK_LENGTHS ?? '128,512').split(',').map(Number);
const repeats = Number(process.env.DEVICE_CHECK_REPEATS ?? 7);
const tolerance = Number(process.env.DEVICE_CHECK_TOLERANCE ?? 1e-3); // TF32/cuBLAS reorderings: not bit-equal to the CPU

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<number> {
  const cuda = await new LanguageModels({ provider: 'cuda', threads: 0 }).load(model);
  const cpu = await new LanguageModels({ provider: 'cpu', threads: 0 }).load(model);
  console.log(`model ${cuda.info.name}: cuda session on ${cuda.info.provider} (load ${cuda.info.loadMs.toFixed(0)} ms), cpu session on ${cpu.info.provider} (load ${cpu.info.loadMs.toFixed(0)} ms)`);
  if (cuda.info.providerNote) console.log(`note: ${cuda.info.providerNote}`);
  // DEVICE_CHECK_ALLOW_FALLBACK=1 runs the comparison anyway (a dry run of this script on a CPU machine: difference 0, speed-up ~1)
  if (cuda.info.provider !== 'cuda' && process.env.DEVICE_CHECK_ALLOW_FALLBACK !== '1') return 1;
  let worst = 0;
  for (const n of lengths) {
    const len = Math.min(n, cuda.lm.contextLength);
    // a fixed, seeded id sequence inside the vocabulary
    const vocab = cuda.lm.vocab ?? 256;
    const ids = Array.from({ length: len }, (_, i) => (i * 7919 + 13) % vocab);
    const times: Record<'cuda' | 'cpu', number[]> = { cuda: [], cpu: [] };
    let diff = 0;
    for (let r = 0; r < repeats + 1; r++) {
      const logits: Partial<Record<'cuda' | 'cpu', Float32Array>> = {};
      for (const [name, m] of [['cuda', cuda], ['cpu', cpu]] as const) {
        const t0 = performance.now();
        logits[name] = (await m.lm.forward(ids)).logits; // [len, vocab]
        if (r > 0) times[name].push(performance.now() - t0); // the first run warms up (CUDA kernels, arenas)
      }
      const [g, c] = [logits.cuda as Float32Array, logits.cpu as Float32Array];
      for (let i = 0; i < c.length; i++) diff = Math.max(diff, Math.abs(c[i] - g[i]));
    }
    worst = Math.max(worst, diff);
    const [tg, tc] = [median(times.cuda), median(times.cpu)];
    console.log(`${len} tokens: max |logit cuda - cpu| = ${diff.toExponential(3)}; median forward cuda ${tg.toFixed(2)} ms, cpu ${tc.toFixed(2)} ms; speed-up ${(tc / tg).toFixed(2)}x (${repeats} runs each)`);
  }
  return worst <= tolerance ? 0 : 2;
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(`device check failed: ${(error as Error).message ?? error}`);
  process.exit(3);
});
