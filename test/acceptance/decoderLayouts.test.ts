// Decoders in the file layouts real exporters write (models/train/fixtures/decoder_layouts.py):
// onnxruntime's legacy GPT-2 export (fused Attention with past_{i} [2, batch, heads, past, head],
// EmbedLayerNormalization, int32 inputs, a bare .onnx), Optimum's decoder_model.onnx +
// decoder_with_past_model.onnx and decoder_model_merged.onnx (If on use_cache_branch), and
// onnxruntime-genai folders (genai_config.json, GroupQueryAttention, grouped and multi-query).
// Each goes through the engine's own handlers (next token, surprisal, generation, activation
// export, logit lens, attention, induction) and is compared with the numpy reference within 1e-4.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngineHandlers } from '../../src/engine/engineHandlers';
import { LanguageModels } from '../../src/engine/languageModels';
import { InstrumentedModels } from '../../src/engine/instrumentedModels';
import { ROOT } from '../helpers/paths';
import type { NextTokenPosition, SurprisalCase } from '../helpers/references';

interface RefTensor { shape: number[]; data: number[] }
interface Top { ids: number[]; probs: number[] }
interface LayoutReference {
  inputs: { text: string; ids: number[]; top10: Top[] }[];
  activations: Record<string, RefTensor | number>;
  /** [lens row][position] top-5 */
  lens: Top[][];
  user: { nextToken: { positions: NextTokenPosition[] }; surprisal: SurprisalCase; greedy: { text: string; tokens: number[] } };
}

export const LAYOUTS = [
  { name: 'ort-gpt2', model: 'ort-gpt2/gpt2.onnx', what: 'onnxruntime GPT-2 (fused Attention, past_N, EmbedLayerNormalization, int32), bare .onnx', heads: 2, generation: 'kv-cache', chunked: true },
  { name: 'optimum-split', model: 'optimum-split', what: 'Optimum decoder_model.onnx + decoder_with_past_model.onnx', heads: 2, generation: 'with-past twin', chunked: false },
  { name: 'optimum-merged', model: 'optimum-merged', what: 'Optimum decoder_model_merged.onnx (If on use_cache_branch)', heads: 2, generation: 'kv-cache', chunked: false },
  { name: 'genai-gqa', model: 'genai-gqa', what: 'onnxruntime-genai folder, GroupQueryAttention 4 q / 2 kv heads', heads: 4, generation: 'kv-cache', chunked: true },
  { name: 'genai-mqa', model: 'genai-mqa', what: 'onnxruntime-genai folder, multi-query attention (1 kv head)', heads: 4, generation: 'kv-cache', chunked: true },
] as const;

const never = { cancelled: false, onCancel: () => undefined };
const cacheDir = mkdtempSync(join(tmpdir(), 'tl-layouts-'));
const engine = createEngineHandlers({ provider: 'cpu', threads: 1, cacheDir });
const within = (a: number, b: number, what: string, tol = 1e-4) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs numpy ${b}`);

/** safetensors: u64 header length, JSON header, little-endian float32 data */
function readSafetensors(path: string): Map<string, { shape: number[]; data: Float32Array }> {
  const buf = readFileSync(path);
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, t] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const bytes = buf.subarray(8 + n + t.data_offsets[0], 8 + n + t.data_offsets[1]);
    out.set(name, { shape: t.shape, data: new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) });
  }
  return out;
}

/** The engine's greedy continuation of the reference's text equals numpy's full recompute. */
async function assertGreedyMatches(model: string, ref: LayoutReference): Promise<void> {
  const r = await engine['lm/nextToken']({ model, text: ref.user.greedy.text, topK: 5, maxTokens: 64 }, never);
  const g = await engine['lm/generate']({ runId: r.runId, mode: 'greedy', count: 1, maxNewTokens: ref.user.greedy.tokens.length, temperature: 1, topK: 0, topP: 1, seed: 0 }, never);
  const got = g.continuations[0].tokens.map((t) => t.id);
  const stop = ref.user.greedy.tokens.indexOf(0); // generation stops at a special token
  assert.deepEqual(got, stop >= 0 ? ref.user.greedy.tokens.slice(0, stop + 1) : ref.user.greedy.tokens);
}

for (const f of LAYOUTS) {
  const dir = join(ROOT, 'test', 'fixtures', 'models', f.name);
  const model = join(ROOT, 'test', 'fixtures', 'models', f.model);
  const ref = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as LayoutReference;
  const input = ref.inputs[0];

  test(`${f.name} (${f.what}): next-token top-10, entropy, bits and rank equal numpy within 1e-4`, async () => {
    const r = await engine['lm/nextToken']({ model, text: input.text, topK: 10, maxTokens: 64, positionTopK: 10 }, never);
    assert.deepEqual(r.tokens.map((t) => t.id), input.ids);
    assert.equal(r.model.vocabSize, 512, 'vocabulary (config.json, genai_config.json or the logits\' shape)');
    assert.equal(r.model.contextLength, 64, 'context (config.json, genai_config.json or the position table\'s rows)');
    assert.ok(r.positions);
    r.positions.forEach((pos, i) => {
      const top = pos.top ?? [];
      assert.deepEqual(top.map((c) => c.id), input.top10[i].ids, `top-10 ids at ${i}`);
      top.forEach((c, j) => within(c.prob, input.top10[i].probs[j], `p at ${i} rank ${j + 1}`));
      const want = ref.user.nextToken.positions[i];
      within(r.stats.entropyBits![i], want.entropyBits, `entropy at ${i}`);
      if (want.nextBits !== undefined) within(r.stats.nextBits[i], want.nextBits, `next bits at ${i}`);
    });
  });

  test(`${f.name}: surprisal (${ref.user.surprisal.windows.length} window(s)) equals numpy within 1e-4`, async () => {
    const want = ref.user.surprisal;
    const r = await engine['lm/surprisal']({ model, text: want.text, maxTokens: 4096, alternatives: 3 }, never);
    assert.deepEqual(r.tokens.map((t) => t.id), want.tokens.map((t) => t.id));
    r.tokens.forEach((t, j) => {
      within(t.bits, want.tokens[j].bits, `token ${j + 1} bits`);
      if (!want.tokens[j].nearTie) assert.equal(t.rank, want.tokens[j].rank, `token ${j + 1} rank`);
    });
  });

  test(`${f.name}: greedy continuation (${f.generation}) equals numpy's full recompute`, async () => {
    const models = new LanguageModels({ provider: 'cpu', threads: 1 });
    const loaded = await models.load(model);
    assert.equal(loaded.lm.kind === 'decoder-lm' ? loaded.lm.generationPath : loaded.lm.kind, f.generation, 'generation runs on the model\'s cache, not by re-running the sequence');
    await models.releaseAll();
    await assertGreedyMatches(model, ref);
  });

  test(`${f.name}: every exported activation equals numpy within 1e-4`, async () => {
    const out = join(cacheDir, `${f.name}.safetensors`);
    const names = Object.keys(ref.activations).filter((k) => k !== 'activations_input');
    await engine['activations/export']({ model, text: input.text, maxTokens: 64, names, out }, never);
    const got = readSafetensors(out);
    for (const name of names) {
      const want = ref.activations[name] as RefTensor;
      const t = got.get(name);
      assert.ok(t, `${name} exported`);
      assert.deepEqual(t.shape, want.shape, `${name} shape`);
      let max = 0;
      for (let i = 0; i < want.data.length; i++) max = Math.max(max, Math.abs(t.data[i] - want.data[i]));
      assert.ok(max <= 1e-4, `${name}: max abs diff ${max}`);
    }
  });

  test(`${f.name}: residuals run in chunks through the model's own KV cache equal numpy within 1e-4`, async () => {
    const instrumented = new InstrumentedModels(new LanguageModels({ provider: 'cpu', threads: 1 }), cacheDir, 1);
    const m = await instrumented.load(model);
    const name = `blocks.${m.info.nLayers - 1}.hook_resid_post`;
    const want = ref.activations[name] as RefTensor; // [1, pos, d_model]
    const d = want.shape[2];
    const seen: number[] = [];
    await instrumented.runChunked(m, input.ids, [name], 5, (acts, start, end) => {
      const got = acts.get(name);
      assert.ok(got);
      seen.push(end - start);
      for (let i = 0; i < (end - start) * d; i++) within(got.data[i], want.data[start * d + i], `${name} row ${start + Math.floor(i / d)}`);
    });
    assert.equal(seen.reduce((a, b) => a + b, 0), input.ids.length);
    // the instrumented copy of a merged decoder is its no-cache branch, decoder_model.onnx has no past: those run in one piece
    assert.equal(seen.length > 1, f.chunked, `chunks ${seen.join(', ')}`);
    await instrumented.releaseAll();
  });

  test(`${f.name}: logit lens rows (each resid_pre, the last resid_post) equal numpy within 1e-4`, async () => {
    const r = await engine['lens/get']({ model, text: input.text, maxTokens: 64, topK: 5 }, never);
    assert.equal(r.layers.length, ref.lens.length);
    ref.lens.forEach((row, l) => row.forEach((want, t) => {
      for (let j = 0; j < 5; j++) within(r.topProbs[(l * r.positions + t) * 5 + j], want.probs[j], `lens row ${l} position ${t} rank ${j + 1}`);
    }));
  });

  test(`${f.name}: attention maps of every head equal numpy (to the panel's 8-bit rows)`, async () => {
    const s = await engine['attention/summary']({ model, text: input.text, maxTokens: 64 }, never);
    assert.equal(s.nHeads, f.heads);
    for (let layer = 0; layer < s.nLayers; layer++) {
      const want = ref.activations[`blocks.${layer}.attn.hook_pattern`] as RefTensor; // [1, head, q, k]
      const T = want.shape[2];
      for (let head = 0; head < s.nHeads; head++) {
        const h = await engine['attention/head']({ runId: s.runId, layer, head }, never);
        for (let q = 0; q < T; q++) for (let k = 0; k < T; k++) {
          within(h.data[q * T + k] * h.rowScale[q], want.data[(head * T + q) * T + k], `layer ${layer} head ${head} [${q}, ${k}]`, h.rowScale[q] / 2 + 1e-4);
        }
      }
    }
  });

  test(`${f.name}: the induction scan runs on the model's own vocabulary`, async () => {
    const r = await engine['induction/scan']({ model, seqLen: 12, batch: 2, seed: 3 }, never);
    assert.equal(r.model.vocabSize, 512);
    assert.equal(r.induction.length, r.nLayers * r.nHeads);
    assert.ok([...r.induction].every(Number.isFinite) && Number.isFinite(r.lossSecondHalf), 'finite scores and losses');
  });
}

// onnxruntime-genai's model builder writes past_present_share_buffer: true for GroupQueryAttention
// models: a choice of genai's own runtime (it binds past and present to one max-length buffer),
// not of the graph, which runs the same with the past and present apart, as the engine feeds them
test('genai-gqa with past_present_share_buffer: true: next-token and the cached greedy continuation equal numpy', async () => {
  const src = join(ROOT, 'test', 'fixtures', 'models', 'genai-gqa');
  const dir = join(mkdtempSync(join(tmpdir(), 'tl-genai-share-')), 'genai-gqa-shared');
  cpSync(src, dir, { recursive: true });
  const configPath = join(dir, 'genai_config.json');
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as { search: Record<string, unknown> };
  config.search.past_present_share_buffer = true;
  writeFileSync(configPath, JSON.stringify(config));
  const ref = JSON.parse(readFileSync(join(src, 'reference.json'), 'utf8')) as LayoutReference;
  const r = await engine['lm/nextToken']({ model: dir, text: ref.inputs[0].text, topK: 10, maxTokens: 64 }, never);
  assert.deepEqual(r.next.map((c) => c.id), ref.inputs[0].top10.at(-1)?.ids);
  r.next.forEach((c, j) => within(c.prob, ref.inputs[0].top10.at(-1)?.probs[j] ?? NaN, `p at rank ${j + 1}`));
  await assertGreedyMatches(dir, ref);
});
