// The attention summary reduced inside the graph (summarisedRun.ts) against the JavaScript
// definition (HeadAccumulator.addRow over the fetched float maps) on models of different layouts:
// statistics within 1e-5, thumbnails and uint8 maps within one level.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadAccumulator, inductionTargets } from '../../src/engine/features/attention/attentionMaps';
import { summarisableInGraph, summariseInGraph } from '../../src/engine/features/attention/summarisedRun';
import { LanguageModels } from '../../src/engine/languageModels';
import { InstrumentedModels } from '../../src/engine/instrumentedModels';
import { ROOT } from '../helpers/paths';

const models = new LanguageModels({ provider: 'cpu', threads: 1 });
const instrumented = new InstrumentedModels(models, mkdtempSync(join(tmpdir(), 'tl-attn-graph-')), 1);
const fixture = (name: string) => (name.startsWith('tensorloupe-') ? join(ROOT, 'models', name) : join(ROOT, 'test', 'fixtures', 'models', name));

// the bundled code LM (70 tokens: uneven thumbnail bins), Optimum's merged decoder (If lifted), fp16 maps, a BERT encoder (maps
// not causal), and that encoder at opset 12 (no per-row QuantizeLinear: the uint8 maps by Add + Cast)
for (const [name, T] of [['tensorloupe-code-lm', 70], ['optimum-merged', 33], ['gpt-float16', 12], ['bert-mlm', 11], ['bert-postln-opset12', 10]] as const) {
  test(`${name}: the in-graph summary equals the JavaScript one (${T} tokens)`, async () => {
    const m = await instrumented.load(fixture(name));
    const ids = Array.from({ length: T }, (_, i) => [5, 9, 5, 12, 9, 5, 7][i % 7] + (i % 3));
    assert.ok(summarisableInGraph(m, T, 512), 'the in-graph path applies');
    const S = Math.min(T, 64);
    const targets = inductionTargets(ids);
    const { maps } = await summariseInGraph(instrumented, m, ids, S, targets);
    const acts = await instrumented.run(m, ids, ['blocks.*.attn.hook_pattern']);
    let compared = 0;
    for (const [hook, a] of acts) {
      const layer = Number(/blocks\.(\d+)\./.exec(hook)?.[1]);
      const heads = a.data.length / (T * T);
      for (let h = 0; h < heads; h++) {
        const want = new HeadAccumulator(T, S, targets);
        for (let q = 0; q < T; q++) want.addRow(q, a.data.subarray((h * T + q) * T, (h * T + q + 1) * T));
        const got = maps[layer][h];
        const [ws, gs] = [want.summary(), got.summary()];
        for (const key of ['entropyBits', 'prevToken', 'firstToken', 'induction'] as const) {
          assert.ok(Math.abs((gs[key] ?? 0) - (ws[key] ?? 0)) <= 1e-5, `${hook} head ${h} ${key}: ${gs[key]} vs ${ws[key]}`);
        }
        assert.equal(gs.induction === null, ws.induction === null);
        const [wt, gt] = [want.thumbnail(), got.thumbnail()];
        for (let i = 0; i < wt.length; i++) assert.ok(Math.abs(wt[i] - gt[i]) <= 1, `${hook} head ${h} thumbnail cell ${i}: ${gt[i]} vs ${wt[i]}`);
        for (let q = 0; q < T; q++) assert.ok(Math.abs(got.rowScale[q] - want.rowScale[q]) <= 1e-7 * want.rowScale[q] + 1e-12, `${hook} head ${h} row ${q} scale`);
        let off = 0; // float32 vs float64 rounding may move a cell on a half level, rarely
        for (let i = 0; i < T * T; i++) {
          assert.ok(Math.abs(got.data[i] - want.data[i]) <= 1, `${hook} head ${h} cell ${i}: ${got.data[i]} vs ${want.data[i]}`);
          if (got.data[i] !== want.data[i]) off++;
        }
        assert.ok(off <= T * T * 0.01, `${hook} head ${h}: ${off} of ${T * T} cells off by one level`);
        compared++;
      }
    }
    assert.ok(compared > 0);
  });
}
