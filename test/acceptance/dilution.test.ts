// The Attention Dilution panel's three curves against PyTorch (test/fixtures/references/dilution.json):
// per prefix length and layer, mean entropy / ln n of the attention rows, the mass on token 0, and
// the mean cosine of blocks.L.hook_resid_post to its mean, each prefix run on its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngineHandlers } from '../../src/engine/engineHandlers';
import { modelDir, readReference, type DilutionCase } from '../helpers/references';

const never = { cancelled: false, onCancel: () => undefined };
const engine = createEngineHandlers({ provider: 'cpu', threads: 1, cacheDir: mkdtempSync(join(tmpdir(), 'tl-dil-ref-')) });
const { cases } = readReference<{ cases: DilutionCase[] }>('dilution.json');

for (const ref of cases) {
  test(`${ref.model}: dilution curves equal PyTorch within 1e-4 at lengths ${ref.lengths.join(', ')}`, async () => {
    const r = await engine['dilution/get']({ model: modelDir(ref.model), text: ref.text, maxTokens: 2048, lengths: [] }, never);
    assert.equal(r.totalTokens, ref.ids.length);
    assert.deepEqual(r.lengths, ref.lengths);
    const L = r.nLayers;
    assert.equal(L, ref.byLength[0].layers.length);
    ref.byLength.forEach(({ length, layers }, i) =>
      layers.forEach((want, l) => {
        const at = `length ${length} layer ${l}`;
        const got = { entropyRatio: r.entropyRatio[i * L + l], firstTokenMass: r.firstTokenMass[i * L + l], residCosine: r.residCosine[i * L + l] };
        for (const key of ['entropyRatio', 'firstTokenMass', 'residCosine'] as const) {
          assert.ok(Math.abs(got[key] - want[key]) <= 1e-4, `${at} ${key}: ${got[key]} vs PyTorch ${want[key]}`);
        }
      }),
    );
  });
}
