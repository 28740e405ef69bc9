// CUDA against CPU on the bundled LM, through the engine's own loader (scripts/device-check.sh runs
// this on a machine with an NVIDIA GPU; nothing in the tests does). Prints the provider each
// session got, the max |logit difference| and the median forward time of each, and the speed-up.
// Also, where the model has a reference.json (the bundled models), the probabilities of each
// position's PyTorch top 10 on each provider, as the acceptance tests compare them (1e-4).
// Exit 1 when the CUDA session fell back to the CPU (the note says why), 2 when the logits differ
// by more than the tolerance or CUDA misses the PyTorch reference.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { LanguageModels } from '../src/engine/languageModels';
import { InstrumentedModels, defaultCacheDir } from '../src/engine/instrumentedModels';

const model = process.argv[2] ?? 'models/tensorloupe-code-lm';
const lengths = (process.env.DEVICE_CHECK_LENGTHS ?? '128,512').split(',').map(Number);
const repeats = Number(process.env.DEVICE_CHECK_REPEATS ?? 7);
const tolerance = Number(process.env.DEVICE_CHECK_TOLERANCE ?? 1e-3); // TF32/cuBLAS reorderings: not bit-equal to the CPU

interface ReferenceInput {
  ids: number[];
  /** per position the PyTorch top-10 ids and probabilities */
  top10: { ids: number[]; probs: number[] }[];
}

/** max |p - p_torch| over each position's PyTorch top 10, and whether every top-1 agrees */
function againstPyTorch(logits: Float32Array, vocab: number, ref: ReferenceInput): { maxDiff: number; top1Agrees: boolean } {
  let maxDiff = 0;
  let top1Agrees = true;
  ref.top10.forEach((row, pos) => {
    const z = logits.subarray(pos * vocab, (pos + 1) * vocab);
    let max = -Infinity;
    let arg = 0;
    for (let i = 0; i < vocab; i++) if (z[i] > max) [max, arg] = [z[i], i];
    let sum = 0;
    for (let i = 0; i < vocab; i++) sum += Math.exp(z[i] - max);
    row.ids.forEach((id, k) => (maxDiff = Math.max(maxDiff, Math.abs(Math.exp(z[id] - max) / sum - row.probs[k]))));
    if (arg !== row.ids[0]) top1Agrees = false;
  });
  return { maxDiff, top1Agrees };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<number> {
  const cudaModels = new LanguageModels({ provider: 'cuda', threads: 0 });
  const cpuModels = new LanguageModels({ provider: 'cpu', threads: 0 });
  const cuda = await cudaModels.load(model);
  const cpu = await cpuModels.load(model);
  console.log(`model ${cuda.info.name}: cuda session on ${cuda.info.provider} (load ${cuda.info.loadMs.toFixed(0)} ms), cpu session on ${cpu.info.provider} (load ${cpu.info.loadMs.toFixed(0)} ms)`);
  if (cuda.info.providerNote) console.log(`note: ${cuda.info.providerNote}`);
  // DEVICE_CHECK_ALLOW_FALLBACK=1 runs the comparison anyway (a dry run of this script on a CPU machine: difference 0, speed-up ~1)
  if (cuda.info.provider !== 'cuda' && process.env.DEVICE_CHECK_ALLOW_FALLBACK !== '1') return 1;
  let worst = 0;
  let accuracyFailed = false;
  // the bundled models' PyTorch references (models/<name>/reference.json): the accuracy tests' figures, on each provider
  const refPath = join(model, 'reference.json');
  if (existsSync(refPath)) {
    const inputs = (JSON.parse(readFileSync(refPath, 'utf8')) as { inputs: ReferenceInput[] }).inputs.filter((i) => Array.isArray(i.ids));
    for (const [name, m] of [['cuda', cuda], ['cpu', cpu]] as const) {
      let maxDiff = 0;
      let agrees = true;
      for (const input of inputs) {
        const out = await m.lm.forward(input.ids);
        const a = againstPyTorch(out.logits, out.vocab, input);
        maxDiff = Math.max(maxDiff, a.maxDiff);
        agrees &&= a.top1Agrees;
      }
      console.log(`${name} vs PyTorch on ${inputs.length} reference inputs: max |p - p_torch| over each position's top 10 = ${maxDiff.toExponential(3)}; top-1 ${agrees ? 'agrees everywhere' : 'DIFFERS'}`);
      if (name === 'cuda' && (maxDiff > 1e-4 || !agrees)) accuracyFailed = true;
    }
  }
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
  // the instrumented graph (hooks as extra outputs) runs on the model's provider too: its activations
  const hooks = ['blocks.*.attn.hook_pattern', 'blocks.*.hook_resid_post'];
  const ids = cuda.tokenizer.encode('def add(a, b):\n    return a + b\n').map((t) => t.id);
  if (ids.length > 1) {
    const [ig, ic] = [new InstrumentedModels(cudaModels, defaultCacheDir(), 0), new InstrumentedModels(cpuModels, defaultCacheDir(), 0)];
    const [ag, ac] = [await ig.run(await ig.load(model), ids, hooks), await ic.run(await ic.load(model), ids, hooks)];
    let diff = 0;
    for (const [name, a] of ac) {
      const b = ag.get(name);
      if (b) for (let i = 0; i < a.data.length; i++) diff = Math.max(diff, Math.abs(a.data[i] - b.data[i]));
    }
    console.log(`instrumented run (${ac.size} hooks, ${ids.length} tokens): max |cuda - cpu| = ${diff.toExponential(3)}`);
    worst = Math.max(worst, diff);
  }
  return worst <= tolerance && !accuracyFailed ? 0 : 2;
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(`device check failed: ${(error as Error).message ?? error}`);
  process.exit(3);
});
