/** Unit tests of the instrumenter on the fixture models: what it detects, the cache, fetching only
 * what is asked for, the recompute maths, and the errors a user sees. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import type { InferenceSession } from 'onnxruntime-node';
import { instrumentModel } from '../../src/engine/instrument/instrumentModel.js';
import { modelKey } from '../../src/engine/instrument/modelFile.js';
import { createInstrumentedSession, fetchActivations } from '../../src/engine/instrument/fetchActivations.js';
import { textFeeds } from '../../src/engine/instrument/textFeeds.js';
import { recomputePattern } from '../../src/engine/instrument/recompute.js';
import { recomputePatternNative } from '../../src/engine/instrument/recomputeNative.js';
import { seededRandom } from '../../src/engine/analyses/induction.js';
import { InstrumentError } from '../../src/engine/instrument/errors.js';
import type { RecomputeSpec } from '../../src/engine/instrument/types.js';

const model = (name: string): string => join('test/fixtures/models', name, 'onnx', 'model.onnx');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'tl-unit-'));

const expected: Record<string, { layers: number; norm: string; fused: boolean; recomputed: number; mid: boolean }> = {
  'llama-gqa': { layers: 2, norm: 'pre', fused: false, recomputed: 0, mid: true },
  'bert-postln': { layers: 2, norm: 'post', fused: false, recomputed: 0, mid: true },
  'bert-postln-opset13': { layers: 2, norm: 'post', fused: false, recomputed: 0, mid: true },
  'bert-postln-opset12': { layers: 2, norm: 'post', fused: false, recomputed: 0, mid: true },
  'gpt-postln': { layers: 3, norm: 'post', fused: false, recomputed: 0, mid: true },
  'fused-attention': { layers: 3, norm: 'pre', fused: true, recomputed: 3, mid: true },
  'onnx-attention': { layers: 2, norm: 'pre', fused: true, recomputed: 0, mid: true },
  'attn-only': { layers: 2, norm: 'pre', fused: false, recomputed: 0, mid: false },
};

for (const [name, want] of Object.entries(expected)) {
  test(`detects blocks, norm placement and attention in ${name}`, async () => {
    const r = await instrumentModel(model(name), tmp());
    assert.equal(r.architecture.nLayers, want.layers);
    assert.equal(r.architecture.layerNorm, want.norm);
    assert.equal(r.architecture.fusedAttention, want.fused);
    assert.deepEqual(r.unavailable, []);
    const patterns = r.hooks.filter((h) => h.kind === 'pattern');
    assert.deepEqual(patterns.map((h) => h.layer), [...Array(want.layers).keys()]);
    assert.equal(patterns.filter((h) => h.recomputed).length, want.recomputed);
    assert.equal(r.hooks.filter((h) => h.kind === 'resid_mid').length, want.mid ? want.layers : 0);
    assert.ok(r.hooks.some((h) => h.name === 'ln_final.hook_normalized'));
  });
}

test('the instrumented graph holds no second copy of the weights and is cached by hash', async () => {
  const cache = tmp();
  const first = await instrumentModel(model('gpt-postln'), cache);
  assert.equal(first.timing.cached, false);
  assert.ok(statSync(first.instrumentedPath).size < statSync(model('gpt-postln')).size / 2, 'weights should be external references');
  const second = await instrumentModel(model('gpt-postln'), cache);
  assert.equal(second.timing.cached, true);
  assert.equal(second.instrumentedPath, first.instrumentedPath);
  assert.deepEqual(second.hooks, first.hooks);
});

test('only the requested outputs are fetched, globs expand, fused patterns need Q and K only', async () => {
  for (const [name, ask, fetchCount] of [['llama-gqa', ['blocks.1.attn.hook_pattern'], 1], ['llama-gqa', ['blocks.*.attn.hook_pattern'], 2],
    ['fused-attention', ['blocks.1.attn.hook_pattern'], 2]] as const) {
    const r = await instrumentModel(model(name), tmp());
    const session = await createInstrumentedSession(r);
    const fetched: string[][] = [];
    const spy = { run: (feeds: unknown, fetches: string[]) => (fetched.push(fetches), session.run(feeds as InferenceSession.FeedsType, fetches)) };
    const acts = await fetchActivations(spy as unknown as InferenceSession, r, textFeeds(r.inputs, [1, 2, 3, 4, 5]), [...ask]);
    assert.equal(fetched[0].length, fetchCount, `${name} ${ask}: fetched ${fetched[0]}`);
    for (const [, a] of acts) {
      assert.equal(a.dims.length, 4);
      assert.deepEqual(a.dims.slice(2), [5, 5]);
      for (let row = 0; row < a.data.length / 5; row++) {
        const s = a.data.slice(row * 5, row * 5 + 5).reduce((x, y) => x + y, 0);
        assert.ok(Math.abs(s - 1) < 1e-5, 'rows sum to 1');
      }
    }
    await session.release();
  }
});

test('recomputePattern: GQA head sharing, causal mask and identity rotary', () => {
  // B=1, S=2, 2 query heads sharing 1 kv head, headDim 2; rotary with cos=1, sin=0 changes nothing
  const spec: RecomputeSpec = { op: 'GroupQueryAttention', q: { onnxName: 'q', offset: 0, width: 0 }, k: { onnxName: 'k', offset: 0, width: 0 },
    numHeads: 2, kvNumHeads: 1, headDim: 2, scale: 1, causal: true, rotary: { cos: 'c', sin: 's', interleaved: false } };
  const q = { dims: [1, 2, 4], data: Float32Array.from([1, 0, 0, 1, /* pos 1 */ 1, 0, 0, 2]) };
  const k = { dims: [1, 2, 2], data: Float32Array.from([1, 0, /* pos 1 */ 0, 1]) };
  const cos = { dims: [4, 1], data: Float32Array.from([1, 1, 1, 1]) };
  const sin = { dims: [4, 1], data: Float32Array.from([0, 0, 0, 0]) };
  const p = recomputePattern(spec, { q, k, cos, sin, pastLength: 0 });
  assert.deepEqual(p.dims, [1, 2, 2, 2]);
  const e = Math.E;
  const want = [1, 0, 1 / (1 + Math.exp(-1)), 1 / (1 + e), 1, 0, 1 / (1 + Math.exp(2)), 1 / (1 + Math.exp(-2))];
  want.forEach((w, i) => assert.ok(Math.abs(p.data[i] - w) < 1e-6, `p[${i}] = ${p.data[i]}, want ${w}`));
  assert.throws(() => recomputePattern(spec, { q, k, cos, sin, pastLength: 3 }), (err: unknown) => err instanceof InstrumentError && err.code === 'RECOMPUTE_UNSUPPORTED');
});

test('a truncated model gets an error that says so, with its size', async () => {
  const dir = tmp();
  const path = join(dir, 'model.onnx');
  writeFileSync(path, readFileSync(model('llama-gqa')).subarray(0, 4096));
  await assert.rejects(instrumentModel(path, tmp()), (err: unknown) =>
    err instanceof InstrumentError && err.code === 'MODEL_TRUNCATED' && /4,096 bytes/.test(err.message) && /truncated/.test(err.message));
  await assert.rejects(instrumentModel(join(dir, 'missing.onnx'), tmp()), (err: unknown) => err instanceof InstrumentError && err.code === 'MODEL_NOT_FOUND');
});

test('an unsupported fused attention op is reported with a reason, and asking for it says why', async () => {
  const dir = tmp();
  const path = join(dir, 'model.onnx');
  const vi = (name: string): onnx.IValueInfoProto => ({ name, type: { tensorType: { elemType: 1 } } });
  const m = onnx.ModelProto.create({
    irVersion: 8, opsetImport: [{ domain: '', version: 17 }, { domain: 'com.microsoft', version: 1 }],
    graph: {
      name: 'g', input: [vi('x')], output: [vi('y')],
      initializer: [{ name: 'w', dims: [4, 4], dataType: 1, floatData: Array(16).fill(0.1) }],
      node: [
        { opType: 'MatMul', input: ['x', 'w'], output: ['h'] },
        { opType: 'SparseAttention', domain: 'com.microsoft', input: ['h', 'h', 'h'], output: ['a'] },
        { opType: 'Add', input: ['x', 'a'], output: ['y'] },
      ],
    },
  });
  writeFileSync(path, onnx.ModelProto.encode(m).finish());
  const r = await instrumentModel(path, tmp());
  const why = r.unavailable.find((u) => u.name === 'blocks.0.attn.hook_pattern');
  assert.match(why?.reason ?? '', /SparseAttention is not supported/);
  await assert.rejects(fetchActivations({} as InferenceSession, r, {}, ['blocks.0.attn.hook_pattern']),
    (err: unknown) => err instanceof InstrumentError && err.code === 'HOOK_UNKNOWN' && /SparseAttention/.test(err.message));
});

test('a lean session exposes only the outputs its hooks need, plus the model\'s own', async () => {
  const r = await instrumentModel(model('llama-gqa'), tmp());
  const lean = await createInstrumentedSession(r, {}, ['blocks.0.attn.hook_pattern']);
  const pattern = r.hooks.find((h) => h.name === 'blocks.0.attn.hook_pattern')?.onnxName;
  assert.deepEqual([...lean.outputNames].sort(), ['logits', pattern].sort());
  const full = await createInstrumentedSession(r);
  assert.equal(full.outputNames.length, 1 + new Set(r.hooks.map((h) => h.onnxName)).size);
  const acts = await fetchActivations(lean, r, textFeeds(r.inputs, [1, 2, 3]), ['blocks.0.attn.hook_pattern']);
  assert.deepEqual(acts.get('blocks.0.attn.hook_pattern')?.dims, [1, 4, 3, 3]);
  await assert.rejects(fetchActivations(lean, r, textFeeds(r.inputs, [1, 2, 3]), ['blocks.1.attn.hook_pattern']));
  await lean.release();
  await full.release();
});

test('cache keys: full hash for small files, sampled for large ones; both change when the model does', async () => {
  const dir = tmp();
  const path = join(dir, 'model.onnx');
  const bytes = Buffer.from(readFileSync(model('gpt-postln')));
  writeFileSync(path, bytes);
  const small = await modelKey(path);
  assert.ok(small.bytes, 'small files are read once and reused for decoding');
  const fast = await modelKey(path, 1024);
  assert.equal(fast.bytes, undefined);
  assert.notEqual(fast.key, small.key);
  bytes[bytes.length - 10] ^= 1; // an edit in the last MiB (sampled) and the same size
  writeFileSync(path, bytes);
  utimesSync(path, new Date(0), new Date(0));
  assert.notEqual((await modelKey(path)).key, small.key);
  assert.notEqual((await modelKey(path, 1024)).key, fast.key);
  const before = (await modelKey(path)).key;
  writeFileSync(join(dir, 'model.onnx_data'), 'x'); // external data beside it is part of the key
  assert.notEqual((await modelKey(path)).key, before);
});

test('selecting heads and query rows returns exactly that slice of the full map', async () => {
  for (const name of ['llama-gqa', 'fused-attention']) {
    const r = await instrumentModel(model(name), tmp());
    const session = await createInstrumentedSession(r);
    const feeds = textFeeds(r.inputs, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const hook = 'blocks.1.attn.hook_pattern';
    const full = (await fetchActivations(session, r, feeds, [hook])).get(hook);
    const part = (await fetchActivations(session, r, feeds, [hook], { heads: [2, 0], queries: [3, 7] })).get(hook);
    assert.ok(full && part);
    assert.deepEqual(part.dims, [1, 2, 4, 9]);
    [2, 0].forEach((h, hi) => {
      for (let q = 3; q < 7; q++)
        for (let k = 0; k < 9; k++) assert.equal(part.data[(hi * 4 + q - 3) * 9 + k], full.data[(h * 9 + q) * 9 + k], `${name} h${h} q${q} k${k}`);
    });
    await assert.rejects(fetchActivations(session, r, feeds, [hook], { heads: [4] }), /head 4 does not exist/);
    await assert.rejects(fetchActivations(session, r, feeds, [hook], { queries: [5, 12] }), /outside/);
    await session.release();
  }
});

test('native recompute (ORT softmax) equals the TypeScript reference, with masks, bias, GQA and selection', async () => {
  const rand = seededRandom(5);
  const floats = (n: number): Float32Array => Float32Array.from({ length: n }, () => rand() * 2 - 1);
  const [B, S, H, KVH, D] = [2, 7, 4, 2, 8];
  const base: RecomputeSpec = { op: 'GroupQueryAttention', q: { onnxName: 'q', offset: 0, width: 0 }, k: { onnxName: 'k', offset: 0, width: 0 },
    numHeads: H, kvNumHeads: KVH, headDim: D, scale: 0.3, causal: true };
  const inp = {
    q: { dims: [B, S, H * D], data: floats(B * S * H * D) }, k: { dims: [B, S, KVH * D], data: floats(B * S * KVH * D) }, pastLength: 0,
    keyPaddingMask: { dims: [B, S], data: Float32Array.from([1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1]) },
    attentionBias: { dims: [1, H, S, S], data: floats(H * S * S) },
  };
  for (const spec of [base, { ...base, causal: false }, { ...base, localWindow: 2 }]) {
    for (const sel of [{}, { heads: [3, 1], queries: [2, 6] as [number, number] }]) {
      const want = recomputePattern(spec, inp, sel);
      const got = await recomputePatternNative(spec, inp, sel);
      assert.deepEqual(got.dims, want.dims);
      want.data.forEach((w, i) => assert.ok(Math.abs(got.data[i] - w) < 1e-6, `${JSON.stringify(sel)} [${i}] ${got.data[i]} vs ${w}`));
    }
  }
});
