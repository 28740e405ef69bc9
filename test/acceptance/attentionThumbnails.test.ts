// The attention panel's thumbnails — what the user sees first for every head — against numpy max
// pooling of the PyTorch attention pattern (test/fixtures/references/thumbnails.json): an 80-token
// text, so each of the 64×64 cells pools up to 2×2 query/key positions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngineHandlers } from '../../src/engine/engineHandlers';
import { modelDir, readReference, type ThumbnailCase } from '../helpers/references';

const never = { cancelled: false, onCancel: () => undefined };
const engine = createEngineHandlers({ provider: 'cpu', threads: 1, cacheDir: mkdtempSync(join(tmpdir(), 'tl-thumb-')) });
const { cases } = readReference<{ cases: ThumbnailCase[] }>('thumbnails.json');

for (const ref of cases) {
  test(`${ref.model}: every head's thumbnail is the max-pooled PyTorch pattern (${ref.ids.length} tokens → ${ref.thumbSize}²)`, async () => {
    const s = await engine['attention/summary']({ model: modelDir(ref.model), text: ref.text, maxTokens: 4096 }, never);
    assert.deepEqual(s.tokens.map((t) => t.id), ref.ids);
    assert.equal(s.thumbSize, ref.thumbSize);
    const cells = ref.thumbSize ** 2;
    assert.equal(s.thumbnails.length, s.nLayers * s.nHeads * cells);
    assert.equal(ref.maps.length, s.nLayers * s.nHeads);
    for (const want of ref.maps) {
      const got = s.thumbnails.subarray((want.layer * s.nHeads + want.head) * cells, (want.layer * s.nHeads + want.head + 1) * cells);
      let worst = 0;
      for (let i = 0; i < cells; i++) worst = Math.max(worst, Math.abs(got[i] - want.u8[i]));
      // one uint8 step: the pooled maxima are float32 in the engine and float64 here
      assert.ok(worst <= 1, `layer ${want.layer} head ${want.head}: a cell differs by ${worst} of 255`);
    }
  });
}
