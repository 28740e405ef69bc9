/** Acceptance: causal interventions on unmodified ONNX files match PyTorch (numpy for the fused-attention
 * fixture) within 1e-4: zero / mean head ablation, resid_pre patching at every layer × position (and
 * every head's z on the code LM), patching all of layer 0 restoring the clean logits exactly, and
 * direct logit attribution summing to the logit on pre-LN models. References:
 * models/train/intervention_references.py → test/fixtures/references/interventions.json. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { instrumentModel } from '../../src/engine/instrument/instrumentModel.js';
import { findLensParams } from '../../src/engine/instrument/lensParams.js';
import { runPatched, type IvModel } from '../../src/engine/features/interventions/interventionRunner.js';
import { ablateHeads } from '../../src/engine/features/interventions/ablateHeads.js';
import { patchSweep } from '../../src/engine/features/interventions/patchSweep.js';
import { logitAttribution } from '../../src/engine/features/interventions/logitAttribution.js';
import { tokenLosses } from '../../src/engine/features/interventions/interventionMaths.js';
import { createInstrumentedSession, fetchActivations } from '../../src/engine/instrument/fetchActivations.js';
import { textFeeds } from '../../src/engine/instrument/textFeeds.js';
import { LeanSessions } from '../../src/engine/leanSessions';

const TOLERANCE = 1e-4;
interface Patching { clean: number[]; corrupt: number[]; answer: number; wrong: number; cleanLogitDiff: number; corruptLogitDiff: number; resid_pre: number[][]; z?: number[][] }
interface Summary { lastLogits: number[]; tokenLoss: number[] }
interface RefModel { dir: string; nHeads: number; ids: number[]; heads: number[][]; zero: number[] | Summary; mean?: Summary; cleanLogits?: number[]; patch?: Patching }
const REF = JSON.parse(readFileSync('test/fixtures/references/interventions.json', 'utf8')) as { models: RefModel[] };
const CACHE = mkdtempSync(join(tmpdir(), 'tl-interventions-'));

function maxDiff(got: ArrayLike<number>, want: ArrayLike<number>): number {
  assert.equal(got.length, want.length, 'lengths differ');
  let d = 0;
  for (let i = 0; i < got.length; i++) d = Math.max(d, Math.abs(got[i] - want[i]));
  return d;
}

async function modelOf(dir: string): Promise<IvModel> {
  const result = await instrumentModel(join(dir, 'onnx', 'model.onnx'), CACHE);
  return { result, sessions: new LeanSessions(0), base: { info: { provider: 'cpu' }, folder: { name: dir }, lm: { checkIds: () => undefined } } };
}

function checkAblation(name: string, got: Float32Array, want: number[] | Summary, ids: number[], vocab: number): void {
  if (Array.isArray(want)) {
    const d = maxDiff(got, want);
    assert.ok(d < TOLERANCE, `${name}: logits differ from the reference by ${d}`);
    return;
  }
  const T = ids.length;
  const last = maxDiff(got.subarray((T - 1) * vocab, T * vocab), want.lastLogits);
  assert.ok(last < TOLERANCE, `${name}: last-position logits differ by ${last}`);
  const loss = maxDiff(tokenLosses(got, ids, vocab).subarray(1), want.tokenLoss);
  assert.ok(loss < TOLERANCE, `${name}: per-token losses differ by ${loss}`);
}

for (const ref of REF.models) {
  test(`interventions match the reference: ${ref.dir}`, async () => {
    const m = await modelOf(ref.dir);
    const heads = ref.heads.map(([layer, head]) => ({ layer, head }));
    const zero = await ablateHeads(m, ref.ids, heads, 'zero', 1);
    if (ref.cleanLogits) assert.ok(maxDiff(zero.clean, ref.cleanLogits) < TOLERANCE, 'the unablated run differs from the reference');
    checkAblation('zero ablation', zero.ablated, ref.zero, ref.ids, zero.vocab);
    assert.ok(maxDiff(zero.ablated, zero.clean) > 1e-3, 'ablating the heads changed nothing');
    if (ref.mean) checkAblation('mean ablation', (await ablateHeads(m, ref.ids, heads, 'mean', 1)).ablated, ref.mean, ref.ids, zero.vocab);
    // the new reading hooks of the instrumented copy (what exports write): resid_pre + attn_out = resid_mid,
    // and hook_z is the tensor the interventions act on
    const session = await createInstrumentedSession(m.result, {}, ['blocks.*.hook_resid_pre', 'blocks.*.hook_resid_mid', 'blocks.*.hook_attn_out', 'blocks.*.attn.hook_z']);
    const acts = await fetchActivations(session, m.result, textFeeds(m.result.inputs, ref.ids), ['blocks.*.hook_resid_pre', 'blocks.*.hook_resid_mid', 'blocks.*.hook_attn_out', 'blocks.*.attn.hook_z']);
    const viaRunner = await runPatched(m, ref.ids, [], ['blocks.0.attn.hook_z'], 1);
    assert.deepEqual(acts.get('blocks.0.attn.hook_z')?.data, viaRunner.reads.get('blocks.0.attn.hook_z')?.data);
    assert.deepEqual(acts.get('blocks.0.attn.hook_z')?.dims, [1, ref.ids.length, ref.nHeads, (acts.get('blocks.0.attn.hook_z')?.dims ?? [])[3]]);
    for (let l = 0; l < m.result.architecture.nLayers; l++) {
      const pre = acts.get(`blocks.${l}.hook_resid_pre`)?.data as Float32Array;
      const out = acts.get(`blocks.${l}.hook_attn_out`)?.data as Float32Array;
      const mid = acts.get(`blocks.${l}.hook_resid_mid`)?.data as Float32Array;
      assert.ok(maxDiff(Float32Array.from(pre, (v, i) => v + out[i]), mid) < 1e-5, `block ${l}: resid_pre + attn_out = resid_mid`);
    }
    await session.release();
    const p = ref.patch;
    if (!p) return;
    const L = m.result.architecture.nLayers;
    const layers = Array.from({ length: L }, (_, i) => i);
    const sweep = await patchSweep(m, p.clean, p.corrupt, p.answer, p.wrong, 'resid_pre', layers, 1);
    assert.ok(Math.abs(sweep.clean - p.cleanLogitDiff) < TOLERANCE && Math.abs(sweep.corrupt - p.corruptLogitDiff) < TOLERANCE, 'clean / corrupt logit differences');
    assert.ok(sweep.runs < 2 + L * p.clean.length, `patching ran batched (${sweep.runs} runs for ${sweep.patches} patches)`);
    for (const c of sweep.results) {
      const want = p.resid_pre[c.layer][c.position as number];
      assert.ok(Math.abs(c.logitDiff - want) < TOLERANCE, `resid_pre L${c.layer} pos ${c.position}: ${c.logitDiff} vs ${want}`);
    }
    if (p.z) {
      const zs = await patchSweep(m, p.clean, p.corrupt, p.answer, p.wrong, 'z', layers, 1);
      for (const c of zs.results) assert.ok(Math.abs(c.logitDiff - p.z[c.layer][c.head as number]) < TOLERANCE, `z L${c.layer} head ${c.head}`);
    }
    // every position of layer 0 from the clean run: the clean logits, bit for bit
    const clean = await runPatched(m, p.clean, [], ['blocks.0.hook_resid_pre'], 1, { allPositions: true });
    const value = (clean.reads.get('blocks.0.hook_resid_pre') as { data: Float32Array }).data;
    const restored = await runPatched(m, p.corrupt, [[{ point: 'blocks.0.hook_resid_pre', value }]], [], 1, { allPositions: true });
    assert.deepEqual(restored.logits, clean.logits);
  });
}

for (const dir of ['models/tensorloupe-code-lm', 'test/fixtures/models/llama-gqa', 'test/fixtures/models/fused-attention']) {
  test(`direct logit attribution sums to the logit: ${dir}`, async () => {
    const m = await modelOf(dir);
    const ref = REF.models.find((r) => r.dir === dir) as RefModel;
    const params = await findLensParams(join(dir, 'onnx', 'model.onnx'));
    const a = await logitAttribution(m, ref.ids, 5, 7, params, 1);
    assert.ok(Math.abs(a.sum - a.logit) < TOLERANCE, `${a.norm}: components sum to ${a.sum}, the logit is ${a.logit}`);
    const H = m.result.architecture.nHeads as number;
    assert.equal(a.components.filter((c) => c.name.includes('hook_result')).length, m.result.architecture.nLayers * H);
    assert.ok(a.components.some((c) => c.name === 'bias'));
  });
}

test('direct logit attribution refuses a post-LN model and says why', async () => {
  const m = await modelOf('test/fixtures/models/gpt-postln');
  const params = await findLensParams('test/fixtures/models/gpt-postln/onnx/model.onnx');
  await assert.rejects(logitAttribution(m, [0, 7, 8], 1, undefined, params, 1), /pre-LN/);
});
