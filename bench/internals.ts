// Internals figures: instrumented vs plain forward (same model, same tokens, one run, side by
// side), peak RSS of an attention summary at 512/1024/2048 tokens over the loaded model, and the
// engine's RSS under load (100 concurrent summaries) and after its idle release.
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LanguageModels } from '../src/engine/languageModels';
import { InstrumentedModels } from '../src/engine/instrumentedModels';
import { textFeeds } from '../src/engine/instrument/textFeeds';
import { createInstrumentedSession, outputsFor } from '../src/engine/instrument/fetchActivations';
import { sessionOptions } from '../src/engine/sessions';
import { CODE_LM, ROOT } from '../test/helpers/paths';
import type { DecoderLm } from '../src/engine/runners/decoderLm';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 40);
const settings = { provider: 'cpu' as const, threads: 0 };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Times each variant in two conditions, side by side in one run:
 * - warm: the same session runs twice back to back and the second run is timed;
 * - cold: the variants take turns with no repeat, so each run follows another session's. While
 *   the instrumented sessions kept onnxruntime's spinning worker threads, this condition cost
 *   them up to a third more: the previous session's spinners took the 2 cores (sessionOptions).
 * Ratios are the median of per-round ratios, which cancels slow phases of a shared machine.
 */
async function forwardRatios(): Promise<Record<string, number | string>[]> {
  const models = new LanguageModels(settings);
  const instrumented = new InstrumentedModels(models, mkdtempSync(join(tmpdir(), 'tl-bench-')), 0);
  const m = await instrumented.load(CODE_LM);
  const source = readFileSync(join(ROOT, 'test', 'fixtures', 'longSource.ts.txt'), 'utf8').repeat(4);
  const all = m.base.tokenizer.encode(source).map((t) => t.id);
  const rows: Record<string, number | string>[] = [{ metric: 'instrument (first time, uncached), ms', value: m.info.instrumentMs.toFixed(0) }];
  const hookNames = m.result.hooks.map((h) => h.name);
  const allHooks = m.result.hooks.filter((h) => !h.recomputed).map((h) => h.onnxName);
  // the features' lean sessions drop logits (instrumentedModels.ts), so these two keep the model's outputs to compare with the plain forward
  const withLogits = (names: string[]) => createInstrumentedSession(m.result, sessionOptions(0), names, m.result.modelOutputs); // the lean sessions' options (arena on)
  const lean = await withLogits([]); // the instrumented graph exposing no hook
  const patterns = await instrumented.sessionFor(m, ['blocks.*.attn.hook_pattern']); // what the attention panel runs
  const patternOutputs = outputsFor(m.result, ['blocks.*.attn.hook_pattern']);
  const full = await withLogits(hookNames); // every hook exposed
  for (const n of [128, 512]) {
    const ids = all.slice(0, n);
    const feeds = textFeeds(m.result.inputs, ids);
    const variants = {
      plain: ['plain forward, logits only (next token, surprisal, induction loss)', () => (m.base.lm as DecoderLm).forward(ids)],
      plainWithCache: ['plain forward, logits + KV cache (first step of generation)', () => (m.base.lm as DecoderLm).forwardCached(ids)],
      logitsOnly: ['instrumented graph exposing no hook, logits', () => lean.run(feeds, ['logits'])],
      hooksInside: ['instrumented graph with every hook, only logits fetched', () => full.run(feeds, ['logits'])],
      patterns: ['attention panel: every layer\'s pattern fetched', () => patterns.run(feeds, patternOutputs)],
      everything: ['every hook fetched', () => full.run(feeds, ['logits', ...allHooks])],
    } as const;
    const names = Object.keys(variants) as Array<keyof typeof variants>;
    for (const v of names) await variants[v][1]();
    for (const warm of [true, false]) {
      const ms: Record<string, number[]> = Object.fromEntries(names.map((v) => [v, []]));
      for (let i = 0; i < REPEATS; i++) {
        for (let k = 0; k < names.length; k++) {
          const v = names[(i + k) % names.length]; // take turns going first
          if (warm) await variants[v][1]();
          const t0 = performance.now();
          await variants[v][1]();
          ms[v].push(performance.now() - t0);
        }
      }
      const ratio = (v: string) => median(ms[v].map((t, i) => t / ms.plain[i]));
      const label = `${n} tokens, ${warm ? 'warm' : 'cold'}`;
      for (const v of names) rows.push({ metric: `${label}: ${variants[v][0]}, ms (÷ plain)`, value: `${median(ms[v]).toFixed(2)}${v === 'plain' ? '' : ` (${ratio(v).toFixed(3)})`}` });
      rows.push({ metric: `${label}: every hook ÷ plain logits-only forward${warm ? ' (target ≤ 1.15)' : ''}`, value: ratio('everything').toFixed(3) });
      const figures = Object.fromEntries(names.flatMap((v) => [[`${v}Ms`, median(ms[v])], [`${v}Ratio`, ratio(v)]]));
      console.log(`BENCH ${JSON.stringify({ name: `instrumented_forward_${n}_${warm ? 'warm' : 'cold'}`, ...figures })}`);
    }
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

/** Steady state: RSS after 100 concurrent attention summaries, three 2,048-token requests, and the idle release. */
function loadRssRows(): Record<string, number | string>[] {
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(__dirname, 'rssLoadProbe.ts')], { cwd: ROOT, encoding: 'utf8' });
  const line = r.stdout.split('\n').find((l) => l.startsWith('RSSLOAD '));
  if (!line) return [{ metric: 'engine RSS under load and idle', value: `failed: ${r.stderr.slice(-200)}` }];
  const m = JSON.parse(line.slice(8)) as { loadedMb: number; after100Mb: number; after2048Mb: number; idleMb: number };
  console.log(`BENCH ${JSON.stringify({ name: 'engine_rss_load_idle', ...m })}`);
  return [
    { metric: 'engine RSS after 100 concurrent 1,024-token attention summaries, MB', value: `${m.after100Mb.toFixed(0)} (loaded ${m.loadedMb.toFixed(0)})` },
    { metric: 'engine RSS after three 2,048-token next-token requests, MB', value: m.after2048Mb.toFixed(0) },
    { metric: 'engine RSS after the idle release, MB', value: m.idleMb.toFixed(0) },
  ];
}

async function main(): Promise<void> {
  const rows = [...(await forwardRatios()), ...rssRows(), ...loadRssRows()];
  console.table(rows);
}

void main();
