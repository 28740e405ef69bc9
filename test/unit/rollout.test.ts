// Attention rollout against numpy's (models/train/rollout_reference.py) on the glyph ViT's
// PyTorch attention patterns: every fusion, several discard ratios, within 1e-7 (numpy fuses in float32).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { attentionRollout, clsPatchMap } from '../../src/engine/analyses/rollout';
import type { RolloutFusion } from '../../src/protocol/vision';

const ROOT = join(__dirname, '..', '..');
const ref = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/references/rollout.json'), 'utf8')) as {
  tokens: number; heads: number; cases: { fusion: RolloutFusion; discard_ratio: number; rollout: number[]; cls_map: number[] }[];
};
const glyph = JSON.parse(readFileSync(join(ROOT, 'models/tensorloupe-glyph-vit/reference.json'), 'utf8')) as { activations: Record<string, { data: number[] }> };
const patterns = [0, 1, 2, 3].map((l) => Float32Array.from(glyph.activations[`blocks.${l}.attn.hook_pattern`].data));

for (const c of ref.cases) {
  test(`rollout ${c.fusion}, discard ${c.discard_ratio} equals numpy's`, () => {
    const r = attentionRollout(patterns, ref.heads, ref.tokens, c.fusion, c.discard_ratio);
    let max = 0;
    for (let i = 0; i < r.length; i++) max = Math.max(max, Math.abs(r[i] - c.rollout[i]));
    assert.ok(max <= 1e-7, `rollout max diff ${max}`);
    const map = clsPatchMap(r, ref.tokens, 1);
    map.forEach((v, i) => assert.ok(Math.abs(v - c.cls_map[i]) <= 1e-6, `cls map ${i}`));
  });
}

test('rows of a rollout sum to 1 and discarding changes it', () => {
  const a = attentionRollout(patterns, ref.heads, ref.tokens, 'mean', 0);
  const b = attentionRollout(patterns, ref.heads, ref.tokens, 'mean', 0.9);
  for (let i = 0; i < ref.tokens; i++) {
    let s = 0;
    for (let j = 0; j < ref.tokens; j++) s += a[i * ref.tokens + j];
    assert.ok(Math.abs(s - 1) < 1e-9);
  }
  assert.ok(a.some((v, i) => Math.abs(v - b[i]) > 1e-3));
});
