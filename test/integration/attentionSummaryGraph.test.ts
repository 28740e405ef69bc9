// The attention summary reduced inside the graph (summarisedRun.ts) against the JavaScript
// definition (HeadAccumulator.addRow over the fetched float maps) on models of different layouts:
// statistics within 1e-5, thumbnails and uint8 maps within one level; and the log-free entropy
// against float64 on maps with masks and sharp heads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { onnx } from 'onnx-proto';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { HeadAccumulator, inductionTargets } from '../../src/engine/features/attention/attentionMaps';
import { addPatternSummaries, allFloat32, softmaxScores, summaryNames } from '../../src/engine/features/attention/patternSummaryGraph';
import { summaryFeeds } from '../../src/engine/features/attention/patternSummaryFeeds';
import { summarisableInGraph, summariseInGraph } from '../../src/engine/features/attention/summarisedRun';
import { pastSlotsOfGraph } from '../../src/engine/instrument/textFeeds';
import type { HookInfo } from '../../src/engine/instrument/types';
import { LanguageModels } from '../../src/engine/languageModels';
import { InstrumentedModels } from '../../src/engine/instrumentedModels';
import { encodeGraph, valueInfo } from '../../src/engine/smallGraphs/smallGraphs';
import { ROOT } from '../helpers/paths';

const models = new LanguageModels({ provider: 'cpu', threads: 1 });
const instrumented = new InstrumentedModels(models, mkdtempSync(join(tmpdir(), 'tl-attn-graph-')), 1);
const fixture = (name: string) => (name.startsWith('tensorloupe-') ? join(ROOT, 'models', name) : join(ROOT, 'test', 'fixtures', 'models', name));

// the bundled code LM (70 tokens: uneven thumbnail bins), Optimum's merged decoder (If lifted), fp16 maps, a BERT encoder (maps
// not causal), and that encoder at opset 12 (no per-row QuantizeLinear: the uint8 maps by Add + Cast); each in one pass and
// (the decoders with a KV cache) in chunks of rows through it, whose boundaries split thumbnail bins (70 rows in 7-row chunks, 64 bins)
for (const [name, T, chunk] of [['tensorloupe-code-lm', 70, 7], ['optimum-merged', 33, 8], ['gpt-float16', 12, 5], ['bert-mlm', 11, 4], ['bert-postln-opset12', 10, 4]] as const) {
  for (const rows of [T, chunk]) test(`${name}: the in-graph summary equals the JavaScript one (${T} tokens, ${rows}-row chunks)`, async () => {
    const m = await instrumented.load(fixture(name));
    const ids = Array.from({ length: T }, (_, i) => [5, 9, 5, 12, 9, 5, 7][i % 7] + (i % 3));
    assert.ok(summarisableInGraph(m), 'the in-graph path applies');
    const S = Math.min(T, 64);
    const targets = inductionTargets(ids);
    let runs = 0;
    const { maps } = await summariseInGraph(instrumented, m, ids, S, targets, rows, () => runs++);
    const chunked = pastSlotsOfGraph(m.result.inputs).length > 0; // the merged decoder's If is lifted with its cache branch off
    assert.equal(runs, chunked ? Math.ceil(T / rows) : 1, 'a decoder with a KV cache runs a chunk at a time, others in one pass');
    assert.equal(chunked, name === 'tensorloupe-code-lm' || name === 'gpt-float16');
    // the definition over the same runs (a chunk through the KV cache rounds a float16 model's maps its own way)
    const wanted: HeadAccumulator[][] = [];
    await instrumented.runChunked(m, ids, ['blocks.*.attn.hook_pattern'], rows, (acts, start, end) => {
      for (const [hook, a] of acts) {
        const layer = Number(/blocks\.(\d+)\./.exec(hook)?.[1]);
        const [, heads, R, K] = a.dims;
        wanted[layer] ??= Array.from({ length: heads }, () => new HeadAccumulator(T, S, targets));
        for (let h = 0; h < heads; h++) for (let r = 0; r < end - start; r++) wanted[layer][h].addRow(start + r, a.data.subarray((h * R + r) * K, (h * R + r + 1) * K));
      }
    });
    let compared = 0;
    for (const [layer, heads] of wanted.entries()) {
      const hook = `blocks.${layer}.attn.hook_pattern`;
      for (const [h, want] of heads.entries()) {
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

// The log-free entropy (Σ P·(s − max s) + ln max P) on maps a real model can make: −∞ masks (0·−∞
// would be NaN), float32's lowest as the mask, scores up to ±60 (sharp heads), and a row with one key.
test('the entropy from the Softmax scores equals Σ p·ln p in float64, masks and sharp heads included', async () => {
  const [H, T] = [3, 24];
  const scores = new Float32Array(H * T * T);
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  const sharpness = [1, 20, 60];
  for (let h = 0; h < H; h++) {
    for (let q = 0; q < T; q++) {
      for (let k = 0; k < T; k++) {
        const masked = k > q ? (h === 2 ? -3.4028234663852886e38 : -Infinity) : 0;
        scores[(h * T + q) * T + k] = masked || rand() * sharpness[h];
      }
    }
  }
  const graph: onnx.IGraphProto = {
    node: [{ opType: 'Softmax', input: ['scores'], output: ['probs'], attribute: [{ name: 'axis', type: 2, i: -1 }] }],
    input: [valueInfo('scores', [1, H, T, T])],
    output: [valueInfo('probs', [1, H, T, T])],
  };
  const hook: HookInfo = { name: 'blocks.0.attn.hook_pattern', onnxName: 'probs', layer: 0, kind: 'pattern' };
  assert.equal(softmaxScores(graph, 'probs', 17), 'scores', 'the Softmax over the last axis is found');
  addPatternSummaries(graph, [hook], 17);
  assert.ok(graph.node?.some((n) => n.opType === 'Sub'), 'the log-free form is built');
  const session = await InferenceSession.create(encodeGraph(graph, 17));
  const { feeds } = summaryFeeds({ start: 0, end: T, T, S: 8 }, new Int32Array(T).fill(-1));
  const out = await session.run({ ...feeds, scores: new Tensor('float32', scores, [1, H, T, T]) });
  const plogp = out[summaryNames(hook).plogp].data as Float32Array;
  for (let h = 0; h < H; h++) {
    for (let q = 0; q < T; q++) {
      const row = Array.from(scores.subarray((h * T + q) * T, (h * T + q) * T + q + 1));
      const max = Math.max(...row);
      const z = row.reduce((a, s) => a + Math.exp(s - max), 0);
      const want = row.reduce((a, s) => a + (Math.exp(s - max) / z) * (s - max - Math.log(z)), 0);
      const got = plogp[h * T + q];
      assert.ok(Math.abs(got - want) <= 1e-5, `head ${h} (scores ×${sharpness[h]}) row ${q}: ${got} vs ${want}`);
    }
  }
});

test('the Log form stays where the scores are not a float32 last-axis Softmax', () => {
  const softmax = (axis?: number): onnx.IGraphProto => ({
    node: [{ opType: 'Softmax', input: ['s'], output: ['p'], attribute: axis === undefined ? [] : [{ name: 'axis', type: 2, i: axis }] }],
  });
  assert.equal(softmaxScores(softmax(3), 'p', 12), 's', 'axis 3: the keys of [batch, heads, q, k]');
  assert.equal(softmaxScores(softmax(), 'p', 13), 's', 'no axis from opset 13: the last');
  assert.equal(softmaxScores(softmax(), 'p', 12), undefined, 'no axis before opset 13: axis 1, flattened');
  assert.equal(softmaxScores(softmax(2), 'p', 17), undefined, 'axis 2: the queries of a 4-D map');
  assert.equal(softmaxScores({ node: [{ opType: 'Cast', input: ['s'], output: ['p'] }] }, 'p', 17), undefined);
  assert.ok(allFloat32(softmax(-1)));
  assert.equal(allFloat32({ ...softmax(-1), initializer: [{ name: 'w', dataType: 10, dims: [1] }] }), false, 'a float16 weight');
  assert.equal(allFloat32({ node: [{ opType: 'Cast', input: ['x'], output: ['y'], attribute: [{ name: 'to', type: 2, i: 10 }] }] }), false, 'a cast to float16');
  const branch = { node: [{ opType: 'Cast', input: ['x'], output: ['y'], attribute: [{ name: 'to', type: 2, i: 16 }] }] };
  assert.equal(allFloat32({ node: [{ opType: 'If', input: ['c'], output: ['y'], attribute: [{ name: 'then_branch', type: 5, g: branch }] }] }), false, 'a bfloat16 cast inside an If');
});

// onnxruntime walks the graph from its leaves; summaries appended in layer order ran after the whole
// forward, every layer's map (and scores) held until then (a 330 MB block per 512-token run on a
// 12-layer model). Each layer's summary must run before the next layer's Softmax.
test('each layer’s summary runs before the next layer’s attention (onnxruntime profile)', async () => {
  const [L, T, D] = [4, 6, 8];
  const graph: onnx.IGraphProto = { node: [], input: [valueInfo('x0', [1, 1, T, D])], output: [] };
  const hooks: HookInfo[] = [];
  for (let l = 0; l < L; l++) {
    graph.node?.push(
      { opType: 'Transpose', input: [`x${l}`], output: [`xt${l}`], attribute: [{ name: 'perm', type: 7, ints: [0, 1, 3, 2] }] },
      { opType: 'MatMul', input: [`x${l}`, `xt${l}`], output: [`s${l}`] },
      { opType: 'Softmax', input: [`s${l}`], output: [`p${l}`], attribute: [{ name: 'axis', type: 2, i: -1 }] },
      { opType: 'MatMul', input: [`p${l}`, `x${l}`], output: [`x${l + 1}`] },
    );
    hooks.push({ name: `blocks.${l}.attn.hook_pattern`, onnxName: `p${l}`, layer: l, kind: 'pattern' });
  }
  addPatternSummaries(graph, hooks, 17);
  const dir = mkdtempSync(join(tmpdir(), 'tl-attn-order-'));
  const session = await InferenceSession.create(encodeGraph(graph, 17), { enableProfiling: true, profileFilePrefix: join(dir, 'profile'), graphOptimizationLevel: 'disabled' });
  const { feeds } = summaryFeeds({ start: 0, end: T, T, S: 2 }, new Int32Array(T).fill(-1));
  await session.run({ ...feeds, x0: new Tensor('float32', Float32Array.from({ length: T * D }, (_, i) => Math.sin(i)), [1, 1, T, D]) });
  session.endProfiling();
  await session.release();
  const events = JSON.parse(readFileSync(join(dir, readdirSync(dir)[0]), 'utf8')) as { cat?: string; name: string; ts: number; args?: { op_name?: string } }[];
  const ran = events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time')).sort((a, b) => a.ts - b.ts).map((e) => e.args?.op_name);
  const softmaxAt = ran.flatMap((op, i) => (op === 'Softmax' ? [i] : []));
  const quantiseAt = ran.flatMap((op, i) => (op === 'QuantizeLinear' ? [i] : []));
  assert.equal(softmaxAt.length, L);
  assert.equal(quantiseAt.length, L);
  for (let l = 0; l + 1 < L; l++) assert.ok(quantiseAt[l] < softmaxAt[l + 1], `layer ${l}'s summary ran at ${quantiseAt[l]}, layer ${l + 1}'s Softmax at ${softmaxAt[l + 1]}: ${ran.join(' ')}`);
});
