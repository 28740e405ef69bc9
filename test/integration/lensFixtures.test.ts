// The lens's output row on the PyTorch fixtures (RMSNorm/GQA Llama, attention-only, fused
// attention): final norm + unembedding read from each graph, applied to the reference's last
// residual, must give the reference's own next-token top-10 within 1e-4.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findLensParams } from '../../src/engine/instrument/lensParams';
import { applyFinalNorm } from '../../src/engine/analyses/logitLens';
import { createLensHead } from '../../src/engine/features/lens/lensUnembed';
import { lensGrid } from '../../src/engine/features/lens/lensCompute';
import { ROOT } from '../helpers/paths';

interface Ref {
  inputs: { ids: number[]; top10?: { ids: number[]; probs: number[] }[] }[];
  /** hook name → tensor, plus activations_input: the index of the input they belong to */
  activations: Record<string, { shape: number[]; data: number[] } | number>;
}

for (const name of ['llama-gqa', 'attn-only', 'fused-attention']) {
  const dir = join(ROOT, 'test', 'fixtures', 'models', name);
  const skip = !existsSync(join(dir, 'reference.json')) && `${name} fixture not built`;
  test(`${name}: lens of the last resid_post reproduces the reference top-10`, { skip }, async () => {
    const ref = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as Ref;
    const at = ref.activations.activations_input;
    const input = ref.inputs[typeof at === 'number' ? at : 0];
    const posts = Object.keys(ref.activations).filter((k) => /^blocks\.\d+\.hook_resid_post$/.test(k));
    const last = posts.sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1])).at(-1);
    const top10 = input.top10;
    assert.ok(last && top10, 'reference has a last resid_post and top-10s');
    const params = await findLensParams(join(dir, 'onnx', 'model.onnx'));
    const resid = ref.activations[last]; // [1, pos, d_model]
    assert.ok(typeof resid === 'object');
    const T = resid.shape[1];
    const d = params.unembed.dModel;
    assert.equal(resid.shape[2], d);
    const normed = applyFinalNorm(Float32Array.from(resid.data), d, params.norm); // [pos, d_model]
    const head = await createLensHead(params.unembed);
    const g = await lensGrid([normed], T, params.unembed.vocab, 10, head.rows);
    for (let p = 0; p < T; p++) {
      const want: { ids: number[]; probs: number[] } = top10[p];
      for (let j = 0; j < 10; j++) {
        const got = g.topProbs[p * 10 + j];
        assert.ok(Math.abs(got - want.probs[j]) <= 1e-4, `${name} position ${p} rank ${j}: ${got} vs ${want.probs[j]}`);
        if (want.probs[j] - (want.probs[j + 1] ?? 0) > 1e-5) assert.equal(g.topIds[p * 10 + j], want.ids[j], `${name} position ${p} rank ${j} id`);
      }
    }
  });
}
