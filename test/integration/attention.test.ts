// Attention summary and head slices through the engine API, against the PyTorch reference maps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngineHandlers } from '../../src/engine/engineHandlers';
import { decodeSafetensors } from '../../src/engine/features/export/safetensors';
import { summarizeMap } from '../../src/engine/features/attention/attentionMaps';
import { LanguageModels } from '../../src/engine/languageModels';
import { InstrumentedModels } from '../../src/engine/instrumentedModels';
import { ROOT } from '../helpers/paths';

interface Ref {
  inputs: { text: string; ids: number[] }[];
  activations: Record<string, { shape: number[]; data: number[] }>;
}

const never = { cancelled: false, onCancel: () => undefined };
const cacheDir = mkdtempSync(join(tmpdir(), 'tl-attn-'));
const engine = createEngineHandlers({ provider: 'cpu', threads: 1, cacheDir });

for (const name of ['tensorloupe-code-lm', 'tensorloupe-attn2']) {
  const dir = join(ROOT, 'models', name);
  const refPath = join(dir, 'reference.json');
  const skip = !existsSync(refPath) && `${name} not built`;

  test(`${name}: every head's map and statistics match the PyTorch pattern`, { skip }, async () => {
    const ref = JSON.parse(readFileSync(refPath, 'utf8')) as Ref;
    const input = ref.inputs[0];
    const s = await engine['attention/summary']({ model: dir, text: input.text, maxTokens: 4096 }, never);
    assert.deepEqual(s.tokens.map((t) => t.id), input.ids);
    const T = input.ids.length;
    assert.equal(s.thumbSize, Math.min(T, 64));
    assert.equal(s.thumbnails.length, s.nLayers * s.nHeads * s.thumbSize ** 2);
    assert.equal(s.stats.length, s.nLayers * s.nHeads);
    for (let l = 0; l < s.nLayers; l++) {
      const pattern = ref.activations[`blocks.${l}.attn.hook_pattern`]; // [1, head, q, k]
      assert.ok(pattern, `reference has layer ${l}'s pattern`);
      assert.equal(pattern.shape[1], s.nHeads);
      for (let h = 0; h < s.nHeads; h++) {
        const want = Float32Array.from(pattern.data.slice(h * T * T, (h + 1) * T * T));
        const got = await engine['attention/head']({ runId: s.runId, layer: l, head: h }, never);
        assert.equal(got.size, T);
        // uint8 quantisation per query row: error at most half that row's step
        for (let i = 0; i < T * T; i++) {
          const scale = got.rowScale[Math.floor(i / T)];
          const p = got.data[i] * scale;
          assert.ok(Math.abs(p - want[i]) <= scale / 2 + 1e-6, `L${l}H${h} cell ${i}: ${p} vs ${want[i]}`);
        }
        const expected = summarizeMap(want, T, input.ids);
        const stat = s.stats.find((x) => x.layer === l && x.head === h)!;
        assert.ok(Math.abs(stat.entropyBits - expected.entropyBits) < 1e-3);
        assert.ok(Math.abs(stat.prevToken - expected.prevToken) < 1e-4);
        assert.ok(Math.abs(stat.firstToken - expected.firstToken) < 1e-4);
      }
    }
  });
}

test('head statistics on a hand-made map', () => {
  // T = 4, ids repeat "a b a b": q=2 (a) previous a at 0 → induction target 1; q=3 (b) previous b at 1 → target 2
  const T = 4;
  const map = new Float32Array(T * T);
  map.set([1, 0, 0, 0], 0);
  map.set([0.5, 0.5, 0, 0], 4);
  map.set([0, 1, 0, 0], 8);
  map.set([0, 0, 0.25, 0.75], 12);
  const s = summarizeMap(map, T, [7, 8, 7, 8]);
  assert.equal(s.firstToken, (1 + 0.5) / 4);
  assert.equal(s.prevToken, (0.5 + 1 + 0.25) / 3);
  assert.equal(s.induction, (1 + 0.25) / 2);
  assert.equal(s.entropyBits, (0 + 1 + 0 + (-(0.25 * Math.log2(0.25)) - 0.75 * Math.log2(0.75))) / 4);
  assert.equal(summarizeMap(map, T, [1, 2, 3, 4]).induction, null);
});

test('activations export writes safetensors with TransformerLens names and shapes', { skip: !existsSync(join(ROOT, 'models', 'tensorloupe-code-lm', 'reference.json')) && 'model not built' }, async () => {
  const dir = join(ROOT, 'models', 'tensorloupe-code-lm');
  const ref = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as Ref;
  const out = join(cacheDir, 'acts.safetensors');
  const r = await engine['activations/export']({ model: dir, text: ref.inputs[0].text, names: [], out, maxTokens: 4096 }, never);
  const { tensors, metadata } = decodeSafetensors(readFileSync(out));
  assert.equal(metadata.model, 'tensorloupe-code-lm');
  assert.deepEqual(JSON.parse(metadata.input_ids), ref.inputs[0].ids);
  assert.equal(r.tensors.length, tensors.size);
  for (const [name, want] of Object.entries(ref.activations)) {
    if (name === 'activations_input') continue;
    const got = tensors.get(name);
    assert.ok(got, `${name} exported`);
    assert.deepEqual(got.dims, want.shape, `${name} shape`);
    let maxDiff = 0;
    for (let i = 0; i < want.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got.data[i] - want.data[i]));
    assert.ok(maxDiff <= 1e-4, `${name}: max |diff| ${maxDiff}`);
  }
});

test('long inputs run in KV-cache chunks and give the same maps as one full pass', { skip: !existsSync(join(ROOT, 'models', 'tensorloupe-code-lm', 'reference.json')) && 'model not built' }, async () => {
  const dir = join(ROOT, 'models', 'tensorloupe-code-lm');
  const text = readFileSync(join(ROOT, 'test', 'fixtures', 'longSource.ts.txt'), 'utf8').slice(0, 3000);
  const s = await engine['attention/summary']({ model: dir, text, maxTokens: 4096 }, never);
  const T = s.tokens.length;
  assert.ok(T > 600, `needs more than one chunk (got ${T} tokens)`);
  const models = new LanguageModels({ provider: 'cpu', threads: 1 });
  const instrumented = new InstrumentedModels(models, cacheDir, 1);
  const m = await instrumented.load(dir);
  const full = await instrumented.run(m, s.tokens.map((t) => t.id), ['blocks.2.attn.hook_pattern']);
  const pattern = full.get('blocks.2.attn.hook_pattern')!; // [1, head, T, T]
  for (const h of [0, s.nHeads - 1]) {
    const got = await engine['attention/head']({ runId: s.runId, layer: 2, head: h }, never);
    let worst = 0;
    for (let q = 0; q < T; q++) {
      for (let k = 0; k < T; k++) {
        const diff = Math.abs(got.data[q * T + k] * got.rowScale[q] - pattern.data[(h * T + q) * T + k]) - got.rowScale[q] / 2;
        worst = Math.max(worst, diff);
      }
    }
    assert.ok(worst <= 1e-5, `head ${h}: chunked map differs beyond quantisation by ${worst}`);
  }
});
