// Internals figures: instrumented vs plain forward (same model, same tokens, one run, side by
// side), and peak RSS of an attention summary at 512/1024/2048 tokens over the loaded model.
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LanguageModels } from '../src/engine/languageModels';
import { InstrumentedModels } from '../src/engine/internals/instrumentedModels';
import { textFeeds } from '../src/engine/instrument/textFeeds';
import { CODE_LM, ROOT } from '../test/helpers/paths';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 24);
const settings = { provider: 'cpu' as const, threads: 0 };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function forwardRatios(): Promise<Record<string, number | string>[]> {
  const models = new LanguageModels(settings);
  const instrumented = new InstrumentedModels(models, mkdtempSync(join(tmpdir(), 'tl-bench-')), 0);
  const m = await instrumented.load(CODE_LM);
  const source = readFileSync(join(ROOT, 'src', 'engine', 'lmService.ts'), 'utf8').repeat(4);
  const all = m.base.tokenizer.encode(source).map((t) => t.id);
  const rows: Record<string, number | string>[] = [{ metric: 'instrument (first time, uncached), ms', value: m.info.instrumentMs.toFixed(0) }];
  const hookNames = m.result.hooks.map((h) => h.name);
  const allHooks = m.result.hooks.filter((h) => !h.recomputed).map((h) => h.onnxName);
  const lean = await instrumented.sessionFor(m, []); // the instrumented graph exposing no hook
  const full = await instrumented.sessionFor(m, hookNames); // every hook exposed
  for (const n of [128, 512]) {
    const ids = all.slice(0, n);
    const feeds = textFeeds(m.result.inputs, ids);
    const plain: number[] = [];
    const logitsOnly: number[] = [];
    const everything: number[] = [];
    await m.base.lm.forward(ids);
    await lean.run(feeds, ['logits']);
    // the three runs take turns going first, so none always runs on a cache the previous one warmed
    const runs: Array<() => Promise<void>> = [
      async () => { const t0 = performance.now(); await m.base.lm.forward(ids); plain.push(performance.now() - t0); }, // the user's model, logits (+ present) only
      async () => { const t0 = performance.now(); await lean.run(feeds, ['logits']); logitsOnly.push(performance.now() - t0); }, // the instrumented graph, logits only
      async () => { const t0 = performance.now(); await full.run(feeds, ['logits', ...allHooks]); everything.push(performance.now() - t0); }, // every hook as well
    ];
    for (let i = 0; i < REPEATS; i++) {
      for (let k = 0; k < runs.length; k++) await runs[(i + k) % runs.length]();
    }
    rows.push(
      { metric: `${n} tokens: plain forward (logits), ms`, value: median(plain).toFixed(2) },
      { metric: `${n} tokens: instrumented graph, logits only, ms`, value: median(logitsOnly).toFixed(2) },
      { metric: `${n} tokens: instrumented graph, every hook, ms`, value: median(everything).toFixed(2) },
      { metric: `${n} tokens: instrumented (every hook) / plain (target ≤ 1.15)`, value: (median(everything) / median(plain)).toFixed(3) },
    );
    console.log(`BENCH ${JSON.stringify({ name: `instrumented_forward_${n}`, plainMs: median(plain), logitsOnlyMs: median(logitsOnly), allHooksMs: median(everything), ratio: median(everything) / median(plain) })}`);
  }
  return rows;
}

/** Each size in a fresh process, so one run's peak does not hide another's. */
function rssRows(): Record<string, number | string>[] {
  const rows: Record<string, number | string>[] = [];
  for (const n of [512, 1024, 2048]) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'rssProbe.ts'), String(n)], { cwd: ROOT, encoding: 'utf8' });
    const line = r.stdout.split('\n').find((l) => l.startsWith('RSS '));
    if (!line) {
      rows.push({ metric: `${n} tokens: attention summary peak RSS`, value: `failed: ${r.stderr.slice(-200)}` });
      continue;
    }
    const m = JSON.parse(line.slice(4)) as { tokens: number; loadedMb: number; peakMb: number; ms: number };
    rows.push({ metric: `${m.tokens} tokens: attention summary peak RSS over loaded model (target ≤ +300 MB), MB`, value: `+${(m.peakMb - m.loadedMb).toFixed(0)} (loaded ${m.loadedMb.toFixed(0)}, peak ${m.peakMb.toFixed(0)}, ${m.ms.toFixed(0)} ms)` });
    console.log(`BENCH ${JSON.stringify({ name: `attention_rss_${n}`, ...m })}`);
  }
  return rows;
}

async function main(): Promise<void> {
  const rows = [...(await forwardRatios()), ...rssRows()];
  console.table(rows);
}

void main();
