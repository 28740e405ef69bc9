/** Recomputed maps must follow each fused op's masking rules. ORT never shows the op's probabilities,
 * but it does return P·V: rebuild P in TypeScript, multiply by V, compare with the op's output. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import { Tensor } from 'onnxruntime-node';
import { instrumentModel } from '../../src/engine/instrument/instrumentModel.js';
import { createInstrumentedSession, fetchActivations } from '../../src/engine/instrument/fetchActivations.js';
import { seededRandom } from '../../src/engine/analyses/induction.js';

const B = 2, S = 5, H = 2, D = 16;
const rand = seededRandom(11);
const floats = (n: number): Float32Array => Float32Array.from({ length: n }, () => rand() * 2 - 1);
// GQA wants total_sequence_length as an int32 scalar: computed in the graph from the key's shape
const gqaScalars: onnx.INodeProto[] = [
  { opType: 'Shape', input: ['k'], output: ['k_shape'], attribute: [{ name: 'start', type: 2, i: 1 }, { name: 'end', type: 2, i: 2 }] },
  { opType: 'Squeeze', input: ['k_shape'], output: ['total64'] },
  { opType: 'Cast', input: ['total64'], output: ['total'], attribute: [{ name: 'to', type: 2, i: 6 }] },
];
const vi = (name: string, elemType: number, dims: number[]): onnx.IValueInfoProto =>
  ({ name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } });

async function check(op: onnx.INodeProto, inputs: onnx.IValueInfoProto[], feeds: Record<string, Tensor>, v: Float32Array,
  initializer: onnx.ITensorProto[] = [], kvHeads = H, rowValid: (b: number, i: number) => boolean = () => true): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tl-mask-'));
  const path = join(dir, 'model.onnx');
  const m = onnx.ModelProto.create({
    irVersion: 8, opsetImport: [{ domain: '', version: 17 }, { domain: 'com.microsoft', version: 1 }],
    graph: { name: 'g', node: op.opType === 'GroupQueryAttention' ? [op, ...gqaScalars] : [op], input: inputs, initializer, output: [vi('y', 1, [B, S, H * D])] },
  });
  writeFileSync(path, onnx.ModelProto.encode(m).finish());
  const r = await instrumentModel(path, join(dir, 'cache'));
  assert.ok(r.hooks[0]?.recomputed, JSON.stringify(r.unavailable));
  const session = await createInstrumentedSession(r);
  const y = (await session.run(feeds, ['y'])).y.data as Float32Array; // [B, S, H*D]
  const p = (await fetchActivations(session, r, feeds, ['blocks.0.attn.hook_pattern'])).get('blocks.0.attn.hook_pattern');
  assert.ok(p);
  assert.deepEqual(p.dims, [B, H, S, S]);
  let max = 0;
  for (let b = 0; b < B; b++)
    for (let h = 0; h < H; h++)
      for (let i = 0; i < S; i++)
        for (let d = 0; d < D; d++) {
          if (!rowValid(b, i)) continue; // padded query rows are unspecified
          let acc = 0;
          const kh = Math.floor(h / (H / kvHeads));
          for (let j = 0; j < S; j++) acc += p.data[((b * H + h) * S + i) * S + j] * v[(b * S + j) * kvHeads * D + kh * D + d];
          max = Math.max(max, Math.abs(acc - y[(b * S + i) * H * D + h * D + d]));
        }
  assert.ok(max < 1e-5, `P·V differs from the op's output by ${max}`);
  await session.release();
}

test('MultiHeadAttention: key padding mask and additive attention bias', async () => {
  const q = floats(B * S * H * D), k = floats(B * S * H * D), v = floats(B * S * H * D);
  const mask = Int32Array.from([1, 1, 1, 0, 0, /* b1 */ 1, 1, 1, 1, 1]);
  const bias = floats(B * H * S * S);
  const node = { opType: 'MultiHeadAttention', domain: 'com.microsoft', input: ['q', 'k', 'v', '', 'mask', 'bias'], output: ['y'],
    attribute: [{ name: 'num_heads', type: 2, i: H }] };
  await check(node, [vi('q', 1, [B, S, H * D]), vi('k', 1, [B, S, H * D]), vi('v', 1, [B, S, H * D]), vi('mask', 6, [B, S]), vi('bias', 1, [B, H, S, S])], {
    q: new Tensor('float32', q, [B, S, H * D]), k: new Tensor('float32', k, [B, S, H * D]), v: new Tensor('float32', v, [B, S, H * D]),
    mask: new Tensor('int32', mask, [B, S]), bias: new Tensor('float32', bias, [B, H, S, S]),
  }, v);
});

test('Attention (packed QKV weights): causal with a 2-D mask_index', async () => {
  const x = floats(B * S * H * D);
  const w = floats(H * D * 3 * H * D).map((a) => a * 0.2);
  const mask = Int32Array.from([1, 1, 1, 1, 0, /* b1 */ 1, 1, 1, 1, 1]);
  const bias = floats(3 * H * D);
  // ORT 1.30's CPU Attention kernel segfaults without the (optional) bias input, so always give one
  const node = { opType: 'Attention', domain: 'com.microsoft', input: ['x', 'w', 'bias', 'mask'], output: ['y'],
    attribute: [{ name: 'num_heads', type: 2, i: H }, { name: 'unidirectional', type: 2, i: 1 }] };
  // V = X·W[:, 2HD:3HD] for the P·V check
  const v = new Float32Array(B * S * H * D);
  for (let r = 0; r < B * S; r++)
    for (let c = 0; c < H * D; c++) {
      let acc = bias[2 * H * D + c];
      for (let i = 0; i < H * D; i++) acc += x[r * H * D + i] * w[i * 3 * H * D + 2 * H * D + c];
      v[r * H * D + c] = acc;
    }
  const wInit = { name: 'w', dims: [H * D, 3 * H * D], dataType: 1, rawData: new Uint8Array(w.buffer) };
  const bInit = { name: 'bias', dims: [3 * H * D], dataType: 1, rawData: new Uint8Array(bias.buffer) };
  await check(node, [vi('x', 1, [B, S, H * D]), vi('mask', 6, [B, S])], {
    x: new Tensor('float32', x, [B, S, H * D]), mask: new Tensor('int32', mask, [B, S]),
  }, v, [wInit, bInit]);
});

test('GroupQueryAttention: kv heads shared by query heads, right-padded batch (causal: padded keys are never visible to valid rows)', async () => {
  const KVH = 1;
  const q = floats(B * S * H * D), k = floats(B * S * KVH * D), v = floats(B * S * KVH * D);
  const seqlens = Int32Array.from([S - 1, S - 3]); // batch 1 has 2 padding positions at the end
  const node = { opType: 'GroupQueryAttention', domain: 'com.microsoft', input: ['q', 'k', 'v', '', '', 'seqlens_k', 'total'], output: ['y', 'pk', 'pv'],
    attribute: [{ name: 'num_heads', type: 2, i: H }, { name: 'kv_num_heads', type: 2, i: KVH }] };
  await check(node, [vi('q', 1, [B, S, H * D]), vi('k', 1, [B, S, KVH * D]), vi('v', 1, [B, S, KVH * D]), vi('seqlens_k', 6, [B])], {
    q: new Tensor('float32', q, [B, S, H * D]), k: new Tensor('float32', k, [B, S, KVH * D]), v: new Tensor('float32', v, [B, S, KVH * D]),
    seqlens_k: new Tensor('int32', seqlens, [B]),
  }, v, [], KVH, (b, i) => i <= seqlens[b]);
});
