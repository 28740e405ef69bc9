// Causal interventions on the bundled code LM (1 thread): full resid_pre patching of a 64-token prompt
// (every layer × position, batched) against layers × positions single forwards of the same graph, and
// the warm `interventions/ablate` request at 128 tokens (two heads zeroed, top-k and per-token losses
// included). Prints a table and `BENCH {...}` lines; README "Causal interventions" quotes a run.
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LanguageModels } from '../src/engine/languageModels';
import { InstrumentedModels } from '../src/engine/instrumentedModels';
import { runPatched } from '../src/engine/features/interventions/interventionRunner';
import { patchSweep } from '../src/engine/features/interventions/patchSweep';
import { createEngineHandlers } from '../src/engine/engineHandlers';
import { CODE_LM, ROOT } from '../test/helpers/paths';
import { existsSync, mkdtempSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { instrumentModel } from '../src/engine/instrument/instrumentModel';
import type { IvModel } from '../src/engine/features/interventions/interventionRunner';
import { tmpdir } from 'node:os';
import { LeanSessions } from '../src/engine/leanSessions';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 7);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const signal = { cancelled: false } as never;

async function main(): Promise<void> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'tl-bench-iv-'));
  const source = readFileSync(join(ROOT, 'test', 'fixtures', 'longSource.ts.txt'), 'utf8');
  const models = new LanguageModels({ provider: 'cpu', threads: 1 });
  const instrumented = new InstrumentedModels(models, cacheDir, 1);
  const m = await instrumented.load(CODE_LM);
  const tokens = m.base.tokenizer.encode(source);
  const clean = tokens.slice(0, 64).map((t) => t.id);
  const corrupt = [...clean];
  corrupt[40] = clean[41]; // one token swapped
  const L = m.info.nLayers;
  const T = clean.length;
  await runPatched(m, corrupt, [], [], 1); // warm: session opened, instrumented copy written
  const single: number[] = [];
  for (let r = 0; r < REPEATS * 3; r++) {
    const s = performance.now();
    await runPatched(m, corrupt, [], [], 1);
    single.push(performance.now() - s);
  }
  const sweepTimes: number[] = [];
  let runs = 0;
  for (let r = 0; r < REPEATS; r++) {
    const s = performance.now();
    const out = await patchSweep(m, clean, corrupt, clean[63], corrupt[63], 'resid_pre', Array.from({ length: L }, (_, i) => i), 1);
    sweepTimes.push(performance.now() - s);
    runs = out.runs;
  }
  const ratio = median(sweepTimes) / (L * T * median(single));
  // the warm request as the CLI and the editor make it
  const engine = createEngineHandlers({ provider: 'cpu', threads: 1, cacheDir });
  const text128 = source.slice(0, tokens[127].end);
  const heads = [{ layer: 1, head: 0 }, { layer: 2, head: 3 }];
  await engine['interventions/ablate']({ model: CODE_LM, text: text128, heads, mode: 'zero', topK: 10 }, signal);
  const ablate: number[] = [];
  let nTokens = 0;
  for (let r = 0; r < REPEATS; r++) {
    const s = performance.now();
    const a = await engine['interventions/ablate']({ model: CODE_LM, text: text128, heads, mode: 'zero', topK: 10 }, signal);
    ablate.push(performance.now() - s);
    nTokens = a.tokens.length;
  }
  console.table([
    { what: `single forward, ${T} tokens (intervention graph)`, ms: median(single).toFixed(2) },
    { what: `resid_pre patching ${L} layers × ${T} positions (${runs} runs)`, ms: median(sweepTimes).toFixed(1), 'vs L×T forwards': ratio.toFixed(3) },
    { what: `ablate 2 heads, ${nTokens} tokens, warm request`, ms: median(ablate).toFixed(1) },
  ]);
  console.log(`BENCH ${JSON.stringify({ name: 'interventions_patch_resid_pre_64_ms', value: median(sweepTimes), runs, ratioToSingleForwards: ratio, singleForwardMs: median(single) })}`);
  console.log(`BENCH ${JSON.stringify({ name: 'interventions_ablate_128_warm_ms', value: median(ablate), tokens: nTokens })}`);
  if (process.env.BENCH_GPT2_SMALL === '1') await gpt2SmallShape();
}

/** The same sweep on a random GPT-2-small-shaped export (bench/gpt2_small_shape.py, ~500 MB in the
 * temp folder, built on first use): 12 layers × 32 positions against 12 × 32 single forwards. */
async function gpt2SmallShape(): Promise<void> {
  const dir = join(tmpdir(), 'tensorloupe-gpt2-small-shape');
  if (!existsSync(join(dir, 'onnx', 'model.onnx'))) {
    const r = spawnSync('/usr/bin/python3', [join(ROOT, 'bench', 'gpt2_small_shape.py'), dir], { stdio: 'inherit' });
    if (r.status !== 0) { console.log('GPT-2-small shape: export failed'); return; }
  }
  const result = await instrumentModel(join(dir, 'onnx', 'model.onnx'), mkdtempSync(join(tmpdir(), 'tl-bench-gpt2-')));
  const m: IvModel = { result, sessions: new LeanSessions(0), base: { info: { provider: 'cpu' }, folder: { name: 'gpt2-small-shape' }, lm: { checkIds: () => undefined } } };
  const T = 32;
  const clean = Array.from({ length: T }, (_, i) => 100 + ((i * 7919) % 50000));
  const corrupt = [...clean];
  corrupt[20] = 4242;
  await runPatched(m, corrupt, [], [], 1);
  const single: number[] = [];
  for (let r = 0; r < 5; r++) {
    const s = performance.now();
    await runPatched(m, corrupt, [], [], 1);
    single.push(performance.now() - s);
  }
  const s = performance.now();
  const out = await patchSweep(m, clean, corrupt, 11, 13, 'resid_pre', Array.from({ length: 12 }, (_, i) => i), 1);
  const sweep = performance.now() - s;
  const ratio = sweep / (12 * T * median(single));
  console.table([{ what: `GPT-2-small shape: resid_pre patching 12 layers × ${T} positions (${out.runs} runs)`, ms: sweep.toFixed(0), 'single forward ms': median(single).toFixed(1), 'vs L×T forwards': ratio.toFixed(3) }]);
  console.log(`BENCH ${JSON.stringify({ name: 'interventions_patch_resid_pre_gpt2_small_shape_32_ms', value: sweep, runs: out.runs, ratioToSingleForwards: ratio, singleForwardMs: median(single) })}`);
}

void main();
