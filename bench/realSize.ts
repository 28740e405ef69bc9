// Real-size figures (issue 11): on a GPT-2-small-shaped model (124M) and a Llama-style one
// (~110M) that the bench builds itself (bench/models/, cached), each product request beside a
// plain onnxruntime forward of the same file and tokens, in one run, 2 threads: next-token,
// attention summary, export of every hook, the logit lens's first page. Ratios are medians of
// per-round ratios (the requests take turns), which cancels the slow phases of a shared machine.
// Then peak RSS over the loaded model at 512/1024 tokens (a fresh process each, realSizeRss.ts),
// and PyTorch eager on the same shapes where /usr/bin/python3 has torch (realSizeTorch.py).
//   default         5 rounds at 128 tokens, 3 at 512 (keeps `npm run bench` short), RSS of GPT-2
//   BENCH_BIG=1     5 rounds at 512 too, RSS of both models (npm run bench -- real --big)
//   BENCH_QUICK=1   128 tokens only, 3 rounds, GPT-2 only, no RSS / PyTorch (a smoke run)
//   BENCH_RATIOS=1  the ratios only (no RSS / PyTorch): what a performance change is checked with
//   BENCH_MODELS=llama-100m  these models only (comma-separated), BENCH_TOKENS=512  these sizes only
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { createEngineHandlers } from '../src/engine/engineHandlers';
import { sessionOptions } from '../src/engine/sessions';
import { TextTokenizer } from '../src/engine/preprocess/textTokenizer';
import { ensureBenchModel, type BenchModelName } from './models/benchModels';
import { ROOT } from '../test/helpers/paths';
import { LENS_FIRST_COLUMNS } from '../src/protocol/lensPaging';

const QUICK = process.env.BENCH_QUICK === '1';
const BIG = process.env.BENCH_BIG === '1';
const RATIOS_ONLY = QUICK || process.env.BENCH_RATIOS === '1';
const THREADS = 2;
const never = { cancelled: false, onCancel: () => undefined };
const ALL_SIZES: [number, number][] = QUICK ? [[128, 3]] : [[128, 5], [512, BIG ? 5 : 3]]; // [tokens, rounds]
const SIZES = process.env.BENCH_TOKENS ? ALL_SIZES.filter(([n]) => process.env.BENCH_TOKENS?.split(',').includes(String(n))) : ALL_SIZES;
const MODELS = (process.env.BENCH_MODELS?.split(',') ?? (QUICK ? ['gpt2-small'] : ['gpt2-small', 'llama-100m'])) as BenchModelName[];
const BARS: Record<string, number> = { nextToken: 1.1, nextTokenFull: Infinity, attention: 1.2, exportAll: 1.15, lensFirstPage: 1.5, lensWholeGrid: Infinity };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** A text of at least `n` tokens of real source code; the requests cut it to n with maxTokens. */
export function benchText(dir: string, n: number): string {
  const tok = new TextTokenizer(join(dir, 'tokenizer.json'));
  const source = readFileSync(join(ROOT, 'test', 'fixtures', 'longSource.ts.txt'), 'utf8').repeat(12);
  return tok.decode(tok.encode(source).map((t) => t.id).slice(1, n + 8));
}

/** The baseline: the user's file in a bare onnxruntime session (the engine's own session options), logits only. */
async function plainForward(onnxPath: string): Promise<(ids: number[]) => Promise<unknown>> {
  const session = await ort.InferenceSession.create(onnxPath, sessionOptions(THREADS));
  const pasts = session.inputNames.filter((n) => n.startsWith('past_key_values.'));
  const meta = new Map(session.inputMetadata.map((m) => [m.name, m as ort.InferenceSession.TensorValueMetadata]));
  return (ids) => {
    const i64 = (xs: number[]) => new ort.Tensor('int64', BigInt64Array.from(xs, BigInt), [1, xs.length]);
    const feeds: Record<string, ort.Tensor> = { input_ids: i64(ids), attention_mask: i64(ids.map(() => 1)), position_ids: i64(ids.map((_, i) => i)) };
    for (const p of pasts) feeds[p] = new ort.Tensor('float32', new Float32Array(0), [1, Number(meta.get(p)?.shape[1]), 0, Number(meta.get(p)?.shape[3])]);
    return session.run(feeds, ['logits']);
  };
}

async function forModel(name: BenchModelName, rows: Record<string, string>[]): Promise<void> {
  const bm = ensureBenchModel(name);
  rows.push({ model: name, metric: `parameters; build time (0 = cached)`, value: `${(bm.params / 1e6).toFixed(1)}M; ${(bm.buildMs / 1000).toFixed(1)} s` });
  const engine = createEngineHandlers({ provider: 'cpu', threads: THREADS, cacheDir: mkdtempSync(join(tmpdir(), 'tl-bench-real-')) });
  const out = join(mkdtempSync(join(tmpdir(), 'tl-bench-export-')), 'all.safetensors');
  const t0 = performance.now();
  await engine['attention/summary']({ model: bm.dir, text: 'x = 1', maxTokens: 8 }, never); // load + instrument
  rows.push({ model: name, metric: 'load + instrument (first time), ms', value: (performance.now() - t0).toFixed(0) });
  const plain = await plainForward(join(bm.dir, 'onnx', 'model.onnx'));
  for (const [n, rounds] of SIZES) {
    const text = benchText(bm.dir, n);
    const ids = (await engine['lm/nextToken']({ model: bm.dir, text, maxTokens: n, topK: 10 }, never)).tokens.map((t) => t.id);
    const variants: Record<string, () => unknown> = {
      plain: () => plain(ids),
      nextToken: () => engine['lm/nextToken']({ model: bm.dir, text, maxTokens: n, topK: 10 }, never),
      // with every position's entropy and rank (the CLI's and tests' request; the panel shows them for a clicked position)
      nextTokenFull: () => engine['lm/nextToken']({ model: bm.dir, text, maxTokens: n, topK: 10, stats: 'full' }, never),
      attention: () => engine['attention/summary']({ model: bm.dir, text, maxTokens: n }, never),
      exportAll: () => engine['activations/export']({ model: bm.dir, text, maxTokens: n, names: [], out }, never),
      lensFirstPage: () => engine['lens/get']({ model: bm.dir, text, maxTokens: n, topK: 5, ...firstPage(n) }, never),
      // the whole grid, for reference (no bar): 128 tokens only, it is ~5 forward passes
      ...(n <= 128 ? { lensWholeGrid: () => engine['lens/get']({ model: bm.dir, text, maxTokens: n, topK: 5 }, never) } : {}),
    };
    const names = Object.keys(variants);
    for (const v of names) await variants[v](); // warm: sessions, caches
    const ms: Record<string, number[]> = Object.fromEntries(names.map((v) => [v, []]));
    // the process's CPU time too (onnxruntime's threads included): on a shared machine a request's
    // wall time is mostly other jobs' time slices, its CPU time mostly its own work
    const cpu: Record<string, number[]> = Object.fromEntries(names.map((v) => [v, []]));
    // and its kernel time and page faults: on a VM whose freed memory goes back to the host (virtio
    // balloon free-page reporting), touching fresh pages (an export's new page cache) costs far more
    // than the copy itself, and these two columns show when that is what a ratio measures
    const sys: Record<string, number[]> = Object.fromEntries(names.map((v) => [v, []]));
    const faults: Record<string, number[]> = Object.fromEntries(names.map((v) => [v, []]));
    for (let i = 0; i < rounds; i++) {
      for (let k = 0; k < names.length; k++) {
        const v = names[(i + k) % names.length]; // take turns going first
        global.gc?.();
        const c = process.cpuUsage();
        const f = process.resourceUsage().minorPageFault;
        const t = performance.now();
        await variants[v]();
        ms[v].push(performance.now() - t);
        const d = process.cpuUsage(c);
        cpu[v].push((d.user + d.system) / 1000);
        sys[v].push(d.system / 1000);
        faults[v].push(process.resourceUsage().minorPageFault - f);
      }
    }
    const ratio = (v: string) => median(ms[v].map((t, i) => t / ms.plain[i]));
    const cpuRatio = (v: string) => median(cpu[v].map((t, i) => t / cpu.plain[i]));
    const kernel = (v: string) => `sys ${median(sys[v]).toFixed(0)} ms, ${(median(faults[v]) / 1000).toFixed(1)}k faults`;
    rows.push({ model: name, metric: `${n} tokens: plain onnxruntime forward, ms (CPU ms; kernel)`, value: `${median(ms.plain).toFixed(0)} (${median(cpu.plain).toFixed(0)}; ${kernel('plain')})` });
    for (const v of names.slice(1)) {
      const bar = Number.isFinite(BARS[v]) ? `bar ≤ ${BARS[v]}` : 'no bar';
      rows.push({ model: name, metric: `${n} tokens: ${v}, ms (× plain; CPU time × plain; kernel; ${bar})`, value: `${median(ms[v]).toFixed(0)} (${ratio(v).toFixed(2)}×; ${cpuRatio(v).toFixed(2)}×; ${kernel(v)})${ratio(v) <= BARS[v] ? '' : ' ABOVE BAR'}` });
    }
    console.log(`BENCH ${JSON.stringify({ name: `real_${name}_${n}`, load: loadavg()[0], ...Object.fromEntries(names.flatMap((v) => [[`${v}Ms`, median(ms[v])], [`${v}Ratio`, ratio(v)], [`${v}CpuRatio`, cpuRatio(v)], [`${v}SysMs`, median(sys[v])], [`${v}Faults`, median(faults[v])]])) })}`);
  }
  rmSync(out, { force: true });
}

/** What the lens panel computes first (src/protocol/lensPaging.ts); the rest of the page follows with lens/page. */
export { LENS_FIRST_COLUMNS };
function firstPage(n: number): { positions: { from: number; to: number } } {
  return { positions: { from: -LENS_FIRST_COLUMNS, to: n } };
}

function rssRows(rows: Record<string, string>[]): void {
  for (const name of BIG ? MODELS : MODELS.slice(0, 1)) {
    for (const n of [512, 1024]) {
      for (const feature of ['nextToken', 'attention', 'lens']) {
        const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(__dirname, 'realSizeRss.ts'), name, String(n), feature], { cwd: ROOT, encoding: 'utf8' });
        const line = r.stdout.split('\n').find((l) => l.startsWith('RSS '));
        if (!line) {
          rows.push({ model: name, metric: `${n} tokens: ${feature} peak RSS`, value: `failed: ${r.stderr.slice(-300)}` });
          continue;
        }
        const m = JSON.parse(line.slice(4)) as { loadedMb: number; peakMb: number; ms: number };
        rows.push({ model: name, metric: `${n} tokens: ${feature} peak RSS over the loaded model, MB`, value: `+${(m.peakMb - m.loadedMb).toFixed(0)} (loaded ${m.loadedMb.toFixed(0)}, ${m.ms.toFixed(0)} ms)` });
        console.log(`BENCH ${JSON.stringify({ name: `real_rss_${name}_${n}_${feature}`, ...m })}`);
      }
    }
  }
}

/**
 * Debian's torch links the reference BLAS (BLAS_INFO=generic): a 124M forward takes ~45 s there,
 * which measures netlib, not eager PyTorch. An OpenBLAS is used when one is found: the system's
 * (apt-get install libopenblas0-pthread) or a folder named by BENCH_TORCH_BLAS holding its
 * libblas.so.3 (apt-get download libopenblas0-pthread && dpkg -x, no install needed), or
 * ~/.cache/tensorloupe/openblas holding the same.
 */
function torchBlasDir(): string | undefined {
  const candidates = [process.env.BENCH_TORCH_BLAS, '/usr/lib/x86_64-linux-gnu/openblas-pthread', join(homedir(), '.cache', 'tensorloupe', 'openblas')];
  return candidates.find((d): d is string => !!d && existsSync(join(d, 'libblas.so.3')));
}

function torchRows(rows: Record<string, string>[]): void {
  const py = '/usr/bin/python3';
  const has = existsSync(py) && spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
  if (!has) {
    rows.push({ model: '-', metric: 'PyTorch eager', value: 'skipped: /usr/bin/python3 has no torch' });
    return;
  }
  const blas = torchBlasDir();
  if (!blas) {
    rows.push({ model: '-', metric: 'PyTorch eager', value: 'skipped: torch uses the reference BLAS and no OpenBLAS was found (set BENCH_TORCH_BLAS to a folder with libblas.so.3)' });
    return;
  }
  const env = { ...process.env, LD_LIBRARY_PATH: [blas, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'), OPENBLAS_NUM_THREADS: String(THREADS), OMP_NUM_THREADS: String(THREADS) };
  const r = spawnSync(py, [join(__dirname, 'realSizeTorch.py'), '--threads', String(THREADS), '--sizes', SIZES.map(([n]) => n).join(','), '--repeats', '5'], { encoding: 'utf8', env });
  for (const line of r.stdout.split('\n').filter((l) => l.startsWith('TORCH '))) {
    const m = JSON.parse(line.slice(6)) as { model: string; tokens: number; ms: number; torch: string };
    rows.push({ model: m.model, metric: `${m.tokens} tokens: PyTorch ${m.torch} eager (OpenBLAS), attentions and residuals kept, ms`, value: m.ms.toFixed(0) });
    console.log(`BENCH ${JSON.stringify({ name: `real_torch_${m.model}_${m.tokens}`, ...m })}`);
  }
  if (r.status !== 0) rows.push({ model: '-', metric: 'PyTorch eager', value: `failed: ${r.stderr.slice(-300)}` });
}

async function main(): Promise<void> {
  const rows: Record<string, string>[] = [];
  for (const name of MODELS) await forModel(name, rows);
  if (!RATIOS_ONLY) {
    rssRows(rows);
    torchRows(rows);
  }
  console.table(rows);
}

if (require.main === module) void main();
