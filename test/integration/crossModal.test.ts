// crossmodal/fit on the bundled models, in-process: the glyph ViT's bundled samples → the code LM
// (every layer, both methods, the shuffled control, the held-out table), a JSONL of the speech
// model's sounds, the one-line refusals for bad input, and a cancel that stops the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngineHandlers } from '../../src/engine/engineHandlers';
import { CODE_LM, ROOT } from '../helpers/paths';
import type { CrossModalParams } from '../../src/protocol/crossModal';

const GLYPH = join(ROOT, 'models', 'tensorloupe-glyph-vit');
const SPEECH = join(ROOT, 'models', 'tensorloupe-speech-kws');
const engine = createEngineHandlers({ provider: 'cpu', threads: 1, cacheDir: mkdtempSync(join(tmpdir(), 'tl-crossmodal-')) });
const signal = { cancelled: false, onCancel: () => undefined };
const fit = async (p: Partial<CrossModalParams>) => engine['crossmodal/fit']({ from: GLYPH, to: CODE_LM, methods: ['ridge', 'procrustes'], seed: 0, ...p }, signal);
const dir = mkdtempSync(join(tmpdir(), 'tl-crossmodal-pairs-'));

test('glyph ViT → code LM on the bundled samples: every layer, both methods, a seeded whole-class split', async () => {
  const r = await fit({});
  assert.equal(r.from, 'tensorloupe-glyph-vit');
  assert.equal(r.to, 'tensorloupe-code-lm');
  assert.deepEqual(r.counts, { samples: 216, classes: 36, trainClasses: 24, testClasses: 12, trainSamples: 144, testSamples: 72 });
  assert.equal(r.source.dModel, 96);
  assert.equal(r.target.dModel, 128);
  assert.deepEqual(r.target.multiToken, [], 'every character is one token of the code LM');
  assert.equal(r.candidates, 36);
  assert.ok(Math.abs(r.chance.retrievalAt1 - 1 / 36) < 1e-12 && Math.abs(r.chance.heldOutRetrievalAt1 - 1 / 12) < 1e-12);
  assert.equal(r.split.test.filter((c) => r.split.train.includes(c)).length, 0, 'no class on both sides');
  assert.deepEqual(r.layers.map((l) => l.hook), ['blocks.0.hook_resid_pre', 'blocks.0.hook_resid_post', 'blocks.1.hook_resid_post', 'blocks.2.hook_resid_post', 'blocks.3.hook_resid_post', 'ln_final.hook_normalized']);
  // the CLS token before the first block is the same for every image: nothing to map, said so
  assert.match(r.layers[0].note ?? '', /every sample has the same/);
  assert.equal(r.layers[0].ridge!.retrievalAt5, 0);
  for (const l of r.layers.slice(1)) {
    assert.equal(l.note, undefined);
    for (const m of ['ridge', 'procrustes'] as const) {
      for (const v of [l[m]!.retrievalAt1, l[m]!.retrievalAt5, l[m]!.heldOutRetrievalAt1, l[m]!.heldOutRetrievalAt5, l.shuffled[m]!.heldOutRetrievalAt1]) assert.ok(v >= 0 && v <= 1);
      assert.ok(l[m]!.retrievalAt1 <= l[m]!.retrievalAt5 && l[m]!.heldOutRetrievalAt1 <= l[m]!.heldOutRetrievalAt5);
    }
    assert.ok([10, 1, 0.1, 0.01, 0.001].includes(l.ridge!.lambda!));
    assert.equal(l.procrustes!.dims, 23, 'Procrustes keeps training classes − 1 components');
  }
  assert.equal(r.tableLayerChosenBy, 'cross-validation');
  const best = Math.max(...r.layers.map((l) => l.ridge!.cvScore));
  assert.equal(r.layers[r.tableLayer].ridge!.cvScore, best);
  assert.deepEqual(r.heldOut.map((h) => h.label), r.split.test);
  for (const h of r.heldOut) {
    assert.equal(h.samples, 6);
    assert.equal(h.tokens.length, 1);
    assert.equal(h.tokens[0].text, h.label);
    assert.equal(h.results.ridge!.top5.length, 5);
    assert.ok(h.results.ridge!.hitsAt1 <= h.results.ridge!.heldOutHitsAt1, 'first among all tokens is first among the held-out ones');
  }
  // one seed, the same figures; the chosen layer can be overridden
  const again = await fit({ layer: 2, methods: ['procrustes'] });
  assert.equal(again.tableLayer, 2);
  assert.equal(again.tableLayerChosenBy, 'request');
  assert.equal(again.layers[3].procrustes!.heldOutRetrievalAt1, r.layers[3].procrustes!.heldOutRetrievalAt1);
  assert.equal(again.layers[3].ridge, undefined);
  await assert.rejects(fit({ layer: 6 }), /layer 6 is past tensorloupe-glyph-vit's layers 0–5/);
});

test('speech model → code LM from a JSONL of pairs: mean-pooled encoder states, multi-token words averaged', async () => {
  const sounds = join(SPEECH, 'samples', 'crossmodal');
  const words = ['zero', 'one', 'two', 'three', 'four', 'five', 'left', 'right'];
  const files = readdirSync(sounds).filter((f) => words.includes(f.split('_')[0])).sort().filter((_, i) => i % 2 === 0); // 3 voices a word
  const path = join(dir, 'speech.jsonl');
  writeFileSync(path, files.map((f) => JSON.stringify({ audio: join(sounds, f), text: ` ${f.split('_')[0]}` })).join('\n') + '\n');
  const r = await fit({ from: SPEECH, pairs: path, methods: ['ridge'] });
  assert.equal(r.source.modality, 'audio');
  assert.match(r.source.embedding, /mean over encoder positions/);
  assert.equal(r.counts.samples, 24);
  assert.equal(r.counts.classes, 8);
  assert.deepEqual(r.target.multiToken.sort(), ['five', 'four'], "' four' and ' five' are two tokens each in the code LM");
  assert.ok(r.heldOut.every((h) => h.text === ` ${h.label}`), 'the text is used as written (with its space)');
  assert.equal(r.layers.length, 5); // embedding, 3 blocks, final norm
  assert.equal(r.layers[1].note, undefined);
  assert.equal(r.layers[1].procrustes, undefined);
});

test('bad input: a text model as the source, a vision model as the target, bad JSONL lines: one line naming what', async () => {
  await assert.rejects(fit({ from: CODE_LM }), /tensorloupe-code-lm is a text model; the source of a cross-modal map \(--from\)/);
  await assert.rejects(fit({ to: GLYPH }), /tensorloupe-glyph-vit is an image classifier; the target of a cross-modal map \(--to\) is a text LM/);
  await assert.rejects(fit({ pairs: join(dir, 'missing.jsonl') }), /missing\.jsonl does not exist/);
  const sample = join(GLYPH, 'samples', 'crossmodal', 'A_NotoSerif-Bold.png');
  const cases: [string, RegExp][] = [
    [`${JSON.stringify({ image: sample, text: 'A' })}\n{"image": oops}`, /bad\.jsonl:2: not JSON/],
    [JSON.stringify({ audio: sample, text: 'A' }), /bad\.jsonl:1: an "audio" pair, but tensorloupe-glyph-vit is an image model/],
    [JSON.stringify({ image: 'nope.png', text: 'A' }), /bad\.jsonl:1: nope\.png does not exist/],
    [JSON.stringify({ image: sample, text: '' }), /bad\.jsonl:1: "text" must be non-empty text/],
    [`\n\n${JSON.stringify([1])}`, /bad\.jsonl:3: a line is a JSON object/],
    [['A', 'B', 'C'].map((t) => JSON.stringify({ image: sample, text: t })).join('\n'), /at least 4 classes/],
  ];
  for (const [text, expected] of cases) {
    writeFileSync(join(dir, 'bad.jsonl'), text);
    await assert.rejects(fit({ pairs: join(dir, 'bad.jsonl') }), (e: Error) => expected.test(e.message) && !e.message.includes('\n'), `${text} → ${expected}`);
  }
});

test('a cancel stops the run between batches', async () => {
  const cancelled = { cancelled: true, onCancel: () => undefined };
  await assert.rejects(async () => engine['crossmodal/fit']({ from: GLYPH, to: CODE_LM, methods: ['ridge'], seed: 0 }, cancelled), (e: Error) => e.name === 'CancelledError' || /cancel/i.test(e.message));
});
