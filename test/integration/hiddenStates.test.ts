// Hidden states for probes and the projector: the same numbers the activations export writes,
// whatever the window and the memory budget.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngineHandlers } from '../../src/engine/engineHandlers';
import { LanguageModels } from '../../src/engine/languageModels';
import { InstrumentedModels } from '../../src/engine/instrumentedModels';
import { decodeSafetensors } from '../../src/engine/features/export/safetensors';
import { collectHiddenStates, hiddenHook, type HiddenLayer } from '../../src/engine/features/hiddenStates/collectHiddenStates';
import { HIDDEN_CHUNK } from '../../src/engine/features/hiddenStates/windowStates';
import { CODE_LM } from '../helpers/paths';

const never = { cancelled: false, onCancel: () => undefined };
const skip = !existsSync(join(CODE_LM, 'onnx', 'model.onnx')) && 'code-lm not built';
const cacheDir = mkdtempSync(join(tmpdir(), 'tl-hidden-'));
const settings = { provider: 'cpu', threads: 1, cacheDir } as const;
const TEXTS = ['def add(a, b):\n    return a + b\n', 'const x = [1, 2, 3];\n// sum\n'];

async function collect(options: { window?: number; maxBytes?: number; layers?: number[] }) {
  const models = new LanguageModels(settings);
  const instrumented = new InstrumentedModels(models, cacheDir, 1);
  const m = await instrumented.load(CODE_LM);
  const layers: HiddenLayer[] = [];
  const positions = await collectHiddenStates(instrumented, m, TEXTS, options, (l) => void layers.push({ ...l, data: l.data.slice() }));
  return { positions, layers };
}

test('hidden states equal the exported activations of each text, layer by layer', { skip }, async () => {
  const engine = createEngineHandlers(settings);
  const { positions, layers } = await collect({});
  assert.deepEqual(layers.map((l) => l.layer), [0, 1, 2, 3, 4]);
  assert.deepEqual(layers.map((l) => l.hook), ['blocks.0.hook_resid_pre', ...[0, 1, 2, 3].map((l) => `blocks.${l}.hook_resid_post`)]);
  const d = positions.dModel;
  for (let t = 0; t < TEXTS.length; t++) {
    const out = join(cacheDir, `text${t}.safetensors`);
    await engine['activations/export']({ model: CODE_LM, text: TEXTS[t], names: ['blocks.*.hook_resid_post', 'blocks.0.hook_resid_pre'], out, maxTokens: 2048 }, never);
    const { tensors, metadata } = decodeSafetensors(readFileSync(out));
    const rows = [...positions.textIndex.keys()].filter((i) => positions.textIndex[i] === t);
    assert.deepEqual(rows.map((i) => positions.tokenId[i]), JSON.parse(metadata.input_ids) as number[]);
    for (const l of layers) {
      const ref = tensors.get(l.hook);
      assert.ok(ref, l.hook);
      assert.deepEqual(ref.dims, [1, rows.length, d]);
      rows.forEach((row, p) => {
        for (let j = 0; j < d; j++) assert.ok(Math.abs(l.data[row * d + j] - ref.data[p * d + j]) <= 1e-5, `${l.hook} text ${t} position ${p} dim ${j}`);
      });
    }
  }
});

test('a small memory budget runs one layer per pass and gives the same numbers; a layer subset comes alone', { skip }, async () => {
  const all = await collect({});
  const lean = await collect({ maxBytes: 1 });
  assert.deepEqual(lean.layers.map((l) => l.layer), [0, 1, 2, 3, 4]);
  for (let i = 0; i < all.layers.length; i++) assert.deepEqual(lean.layers[i].data, all.layers[i].data);
  const some = await collect({ layers: [2] });
  assert.deepEqual(some.layers.map((l) => [l.layer, l.hook]), [[2, hiddenHook(2)]]);
  assert.deepEqual(some.layers[0].data, all.layers[2].data);
});

test('over the memory budget the texts still run once: the layers wait in a temporary file (layerSpill.ts), same numbers', { skip }, async () => {
  const models = new LanguageModels(settings);
  const instrumented = new InstrumentedModels(models, cacheDir, 1);
  const m = await instrumented.load(CODE_LM);
  const runs: number[] = [];
  const run = instrumented.run.bind(instrumented);
  instrumented.run = (mm, ids, names) => {
    runs.push(ids.length);
    return run(mm, ids, names);
  };
  const spilled: HiddenLayer[] = [];
  const progress: [number, number][] = [];
  await collectHiddenStates(instrumented, m, TEXTS, { window: 4, maxBytes: 1, onProgress: (done, total) => progress.push([done, total]) }, (l) => void spilled.push({ ...l, data: l.data.slice() }));
  const whole = await collect({ window: 4 });
  const windows = whole.positions.count; // windows of 4: ceil per text
  assert.equal(runs.length, TEXTS.map((t) => Math.ceil(m.base.tokenizer.encode(t).length / 4)).reduce((a, b) => a + b, 0), 'one forward pass per window, not one per layer');
  assert.ok(runs.length < windows);
  assert.deepEqual(progress.at(-1), [runs.length, runs.length]);
  assert.deepEqual(spilled.map((l) => l.layer), [0, 1, 2, 3, 4]);
  for (let i = 0; i < spilled.length; i++) assert.deepEqual(spilled[i].data, whole.layers[i].data, `layer ${i}`);
});

test('a text longer than the window runs as consecutive windows, positions restarting in each', { skip }, async () => {
  const { positions, layers } = await collect({ window: 4 });
  const whole = await collect({});
  assert.equal(positions.count, whole.positions.count);
  const d = positions.dModel;
  // the first window of each text is the same input as the whole text's first 4 tokens (causal)
  for (const l of [0, 4]) for (let j = 0; j < 4 * d; j++) assert.ok(Math.abs(layers[l].data[j] - whole.layers[l].data[j]) <= 1e-5);
  // the embedding of a later window has restarted positions, so it differs from the whole run there
  const row = 5 * d;
  assert.notDeepEqual(layers[0].data.subarray(row, row + d), whole.layers[0].data.subarray(row, row + d));
});

test('more positions than the bound are refused before any forward pass, naming what was given', { skip }, async () => {
  const models = new LanguageModels(settings);
  const instrumented = new InstrumentedModels(models, cacheDir, 1);
  const m = await instrumented.load(CODE_LM);
  let layers = 0;
  await assert.rejects(
    collectHiddenStates(instrumented, m, TEXTS, { maxPositions: 10, name: 'big.jsonl' }, () => void layers++),
    (e: Error) => /^big\.jsonl has \d+ tokens; Tensorloupe collects hidden states of at most 10 positions at once\.$/.test(e.message),
  );
  assert.equal(layers, 0);
});

test('a window longer than a chunk runs through the KV cache in chunks (windowStates.ts): the same states as one pass', { skip }, async () => {
  const models = new LanguageModels(settings);
  const instrumented = new InstrumentedModels(models, cacheDir, 1);
  const m = await instrumented.load(CODE_LM);
  const text = Array.from({ length: 60 }, (_, i) => `const v${i} = f(${i}, "s${i % 7}");\n`).join('');
  const ids = m.base.tokenizer.encode(text).map((t) => t.id);
  assert.ok(ids.length > 2 * HIDDEN_CHUNK + 10, `${ids.length} tokens: more than two chunks`);
  const hooks = [0, 2, 4].map(hiddenHook);
  const whole = await instrumented.run(m, ids, hooks);
  const layers: HiddenLayer[] = [];
  await collectHiddenStates(instrumented, m, [text], { layers: [0, 2, 4] }, (l) => void layers.push({ ...l, data: l.data.slice() }));
  const d = m.info.dModel as number;
  hooks.forEach((hook, g) => {
    const ref = (whole.get(hook) as { data: Float32Array }).data;
    for (let j = 0; j < ids.length * d; j++) assert.ok(Math.abs(layers[g].data[j] - ref[j]) <= 1e-4, `${hook} position ${Math.floor(j / d)} dim ${j % d}`);
  });
});
