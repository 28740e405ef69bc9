// The bundled code LM's variant files (onnx/model.onnx, model_fp16.onnx, model_int8.onnx; see
// models/train/build_variants.py): file size, load time and the median plain forward at 128 and
// 512 tokens, 1 thread, and the largest logit difference from fp32 over those positions. Prints a
// table and `BENCH {...}` lines; README "Variants" quotes a run.
import { performance } from 'node:perf_hooks';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LanguageModels } from '../src/engine/languageModels';
import { findVariant, type Variant } from '../src/engine/models/variants';
import type { DecoderLm } from '../src/engine/runners/decoderLm';
import { CODE_LM, ROOT } from '../test/helpers/paths';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 9);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const source = readFileSync(join(ROOT, 'test', 'fixtures', 'longSource.ts.txt'), 'utf8').repeat(3);
  const variants: Variant[] = ['fp32', 'fp16', 'int8'];
  const base: Record<number, Float32Array> = {};
  const rows: Record<string, string>[] = [];
  for (const variant of variants) {
    const file = findVariant(CODE_LM, variant);
    if (!file) {
      console.log(`${variant}: not built (npm run models)`);
      continue;
    }
    const t0 = performance.now();
    const m = await new LanguageModels({ provider: 'cpu', threads: 1, variant }).load(CODE_LM);
    const loadMs = performance.now() - t0;
    const lm = m.lm as DecoderLm;
    const ids = m.tokenizer.encode(source).map((t) => t.id);
    const row: Record<string, string> = { variant, 'file MB': (statSync(file).size / 1e6).toFixed(2), 'load ms': loadMs.toFixed(0) };
    for (const n of [128, 512]) {
      const x = ids.slice(0, n);
      await lm.forward(x); // warm
      const times: number[] = [];
      let logits: Float32Array | undefined;
      for (let i = 0; i < REPEATS; i++) {
        const s = performance.now();
        logits = (await lm.forward(x)).logits;
        times.push(performance.now() - s);
      }
      if (variant === 'fp32') base[n] = logits!;
      let diff = 0;
      for (let i = 0; i < logits!.length; i++) diff = Math.max(diff, Math.abs(logits![i] - base[n][i]));
      row[`forward ${n} ms`] = median(times).toFixed(2);
      row[`max |Δlogit| ${n}`] = diff.toFixed(4);
      console.log(`BENCH ${JSON.stringify({ name: `variant_${variant}_forward_${n}_ms`, value: median(times), maxLogitDiff: diff })}`);
    }
    rows.push(row);
    await lm.session.release();
  }
  console.table(rows);
}

void main();
