// The bundled text models (tensorloupe-code-lm, tensorloupe-attn2) against their PyTorch references:
// raw onnxruntime-node runs of onnx/model.onnx, @huggingface/tokenizers on tokenizer.json, the KV
// cache and padding paths of the export, and the quality bars in metrics.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { Tokenizer } from '@huggingface/tokenizers';
import { ROOT } from '../helpers/paths';

interface Reference {
  model: string;
  inputs: { text: string; ids: number[]; tokens: string[]; top10: { ids: number[]; probs: number[] }[] }[];
}
interface HfConfig { n_layer: number; n_head: number; n_embd: number; n_positions: number; vocab_size: number }

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/** Runs the decoder. ids/positions: [seq]; mask: [past + seq]; past: n_layer × (key, value) [1, n_head, past, head_dim]. */
async function run(
  session: ort.InferenceSession, cfg: HfConfig, ids: number[], opts: { mask?: number[]; positions?: number[]; past?: ort.Tensor[] } = {},
): Promise<{ logits: Float32Array; present: ort.Tensor[] }> {
  const headDim = cfg.n_embd / cfg.n_head;
  const pastLen = opts.past ? opts.past[0].dims[2] : 0;
  const T = ids.length;
  const i64 = (a: number[]) => new ort.Tensor('int64', BigInt64Array.from(a.map(BigInt)), [1, a.length]);
  const feeds: Record<string, ort.Tensor> = {
    input_ids: i64(ids),
    attention_mask: i64(opts.mask ?? Array<number>(pastLen + T).fill(1)),
    position_ids: i64(opts.positions ?? ids.map((_, i) => pastLen + i)),
  };
  for (let l = 0; l < cfg.n_layer; l++) {
    for (const [k, kv] of ['key', 'value'].entries()) {
      feeds[`past_key_values.${l}.${kv}`] = opts.past?.[2 * l + k] ?? new ort.Tensor('float32', new Float32Array(0), [1, cfg.n_head, 0, headDim]);
    }
  }
  const out = await session.run(feeds);
  const present: ort.Tensor[] = [];
  for (let l = 0; l < cfg.n_layer; l++) present.push(out[`present.${l}.key`], out[`present.${l}.value`]);
  assert.deepEqual(out.logits.dims, [1, T, cfg.vocab_size]);
  return { logits: out.logits.data as Float32Array, present };
}

/** softmax of one row of logits [vocab], in float64 */
function softmax(row: Float32Array): Float64Array {
  let max = -Infinity;
  for (const v of row) max = Math.max(max, v);
  const p = Float64Array.from(row, (v) => Math.exp(v - max));
  const sum = p.reduce((a, b) => a + b, 0);
  return p.map((v) => v / sum);
}

function top10(p: Float64Array): number[] {
  return [...p.keys()].sort((a, b) => p[b] - p[a] || a - b).slice(0, 10);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

for (const name of ['tensorloupe-code-lm', 'tensorloupe-attn2']) {
  const dir = join(ROOT, 'models', name);
  // read lazily, so that a missing model fails its own tests, not the whole file
  let loaded: { cfg: HfConfig; ref: Reference; session: Promise<ort.InferenceSession> } | undefined;
  const load = () => (loaded ??= {
    cfg: readJson<HfConfig>(join(dir, 'config.json')),
    ref: readJson<Reference>(join(dir, 'reference.json')),
    session: ort.InferenceSession.create(join(dir, 'onnx', 'model.onnx'), { intraOpNumThreads: 1 }),
  });

  test(`${name}: ONNX top-10 at every position equals the PyTorch reference within 1e-4`, async () => {
    const { cfg, ref, session: sessionP } = load();
    const session = await sessionP;
    const vocab = cfg.vocab_size;
    assert.equal(ref.model, name);
    for (const input of ref.inputs) {
      const { logits } = await run(session, cfg, input.ids);
      input.top10.forEach((want, t) => {
        const p = softmax(logits.subarray(t * vocab, (t + 1) * vocab));
        assert.deepEqual(top10(p), want.ids, `top-10 ids at position ${t} of ${JSON.stringify(input.text)}`);
        want.ids.forEach((id, j) => assert.ok(Math.abs(p[id] - want.probs[j]) <= 1e-4, `p(${id}) at ${t}: ${p[id]} vs ${want.probs[j]}`));
      });
    }
  });

  test(`${name}: @huggingface/tokenizers reproduces the reference ids and tokens, and round-trips`, () => {
    const { ref } = load();
    const tok = new Tokenizer(readJson<object>(join(dir, 'tokenizer.json')), readJson<object>(join(dir, 'tokenizer_config.json')));
    for (const input of ref.inputs) {
      const enc = tok.encode(input.text);
      assert.deepEqual(enc.ids, input.ids);
      assert.deepEqual(enc.tokens, input.tokens);
      assert.equal(enc.ids[0], 0, 'BOS <|endoftext|> first');
      assert.equal(tok.decode(enc.ids, { skip_special_tokens: true }), input.text);
    }
    const tricky = ['<img src=x onerror=alert(1)>', 'héllo wörld — naïve café 日本語', 'emoji 😀🎉👍🏽 👨‍👩‍👧', '\t\tx = 1\t\n\n\n   \n', 'a  b   c    d'];
    for (const text of tricky) assert.equal(tok.decode(tok.encode(text).ids, { skip_special_tokens: true }), text);
  });

  test(`${name}: a KV-cache step gives the same logits as a full run`, async () => {
    const { cfg, ref, session: sessionP } = load();
    const session = await sessionP;
    const vocab = cfg.vocab_size;
    const ids = ref.inputs[0].ids;
    const full = await run(session, cfg, ids);
    const prefix = await run(session, cfg, ids.slice(0, -3));
    // two steps with the cache: 2 tokens, then 1
    const step1 = await run(session, cfg, ids.slice(-3, -1), { past: prefix.present });
    const step2 = await run(session, cfg, ids.slice(-1), { past: step1.present });
    const T = ids.length;
    assert.ok(maxAbsDiff(step1.logits, full.logits.subarray((T - 3) * vocab, (T - 1) * vocab)) < 1e-4, 'two cached tokens');
    assert.ok(maxAbsDiff(step2.logits, full.logits.subarray((T - 1) * vocab)) < 1e-4, 'one cached token');
  });

  test(`${name}: left padding masked by attention_mask leaves the logits unchanged and finite`, async () => {
    const { cfg, ref, session: sessionP } = load();
    const session = await sessionP;
    const vocab = cfg.vocab_size;
    const ids = ref.inputs[2].ids;
    const full = await run(session, cfg, ids);
    const pad = 4;
    const padded = await run(session, cfg, [...Array<number>(pad).fill(0), ...ids], {
      mask: [...Array<number>(pad).fill(0), ...ids.map(() => 1)],
      positions: [...Array<number>(pad).fill(0), ...ids.map((_, i) => i)],
    });
    assert.ok(padded.logits.every(Number.isFinite), 'no NaN/Inf in padded rows');
    assert.ok(maxAbsDiff(padded.logits.subarray(pad * vocab), full.logits) < 1e-4);
  });
}

test('tensorloupe-code-lm beats the interpolated trigram on held-out code', () => {
  const m = readJson<{ heldout_ce_nats: number; trigram_ce_nats: number; bits_per_byte: number }>(
    join(ROOT, 'models', 'tensorloupe-code-lm', 'metrics.json'));
  assert.ok(m.heldout_ce_nats < m.trigram_ce_nats, `LM CE ${m.heldout_ce_nats} vs trigram ${m.trigram_ce_nats}`);
  assert.ok(m.bits_per_byte > 0 && m.bits_per_byte < 8);
});

test('tensorloupe-attn2 has an induction head (score >= 0.4)', () => {
  const m = readJson<{ induction_scores: number[][]; max_induction_score: number }>(
    join(ROOT, 'models', 'tensorloupe-attn2', 'metrics.json'));
  assert.equal(m.max_induction_score, Math.max(...m.induction_scores.flat()));
  assert.ok(m.max_induction_score >= 0.4, `max induction score ${m.max_induction_score}`);
});
