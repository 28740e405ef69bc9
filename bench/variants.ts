// The bundled code LM's variant files (onnx/model.onnx, model_fp16.onnx, model_int8.onnx; see
// models/train/build_variants.py): file size, load time, the median plain forward (DecoderLm.forward,
// logits converted to float32 included) at 128 and 512 tokens on 1 thread, and the largest logit
// difference from fp32. The variants take turns within each repeat, so a busy machine slows all
// three alike and the ratios hold. Prints a table and `BENCH {...}` lines; README "Variants" quotes a run.
import { performance } from 'node:perf_hooks';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LanguageModels } from '../src/engine/languageModels';
import { findVariant, type Variant } from '../src/engine/models/variants';
import type { DecoderLm } from '../src/engine/runners/decoderLm';
import { CODE_LM, ROOT } from '../test/helpers/paths';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 15);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const source = readFileSync(join(ROOT, 'test', 'fixtures', 'longSource.ts.txt'), 'utf8').repeat(3);
  const loaded: { variant: Variant; file: string; lm: DecoderLm; loadMs: number; ids: number[] }[] = [];
  for (const variant of ['fp32', 'fp16', 'int8'] as Variant[]) {
    const file = findVariant(CODE_LM, variant);
    if (!file) {
      console.log(`${variant}: not built (npm run models)`);
      continue;
    }
    const t0 = performance.now();
    const m = await new LanguageModels({ provider: 'cpu', threads: 1, variant }).load(CODE_LM);
    loaded.push({ variant, file, lm: m.lm as DecoderLm, loadMs: performance.now() - t0, ids: m.tokenizer.encode(source).map((t) => t.id) });
  }
  const rows: Record<string, string>[] = loaded.map((l) => ({ variant: l.variant, 'file MB': (statSync(l.file).size / 1e6).toFixed(2), 'load ms': l.loadMs.toFixed(0) }));
  for (const n of [128, 512]) {
    const times = loaded.map(() => [] as number[]);
    const last: Float32Array[] = [];
    for (const l of loaded) await l.lm.forward(l.ids.slice(0, n)); // warm
    for (let r = 0; r < REPEATS; r++) {
      for (const [i, l] of loaded.entries()) {
        const s = performance.now();
        last[i] = (await l.lm.forward(l.ids.slice(0, n))).logits;
        times[i].push(performance.now() - s);
      }
    }
    for (const [i, l] of loaded.entries()) {
      let diff = 0;
      for (let k = 0; k < last[i].length; k++) diff = Math.max(diff, Math.abs(last[i][k] - last[0][k]));
      rows[i][`forward ${n} ms`] = median(times[i]).toFixed(1);
      rows[i][`× fp32 ${n}`] = (median(times[i]) / median(times[0])).toFixed(2);
      rows[i][`max |Δlogit| ${n}`] = diff.toFixed(4);
      console.log(`BENCH ${JSON.stringify({ name: `variant_${l.variant}_forward_${n}_ms`, value: median(times[i]), ratioToFp32: median(times[i]) / median(times[0]), maxLogitDiff: diff })}`);
    }
  }
  console.table(rows);
  for (const l of loaded) await l.lm.session.release();
}

void main();
