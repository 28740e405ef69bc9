// The bundled speech model through the engine, from its .wav files: features equal the PyTorch
// reference inputs, the top-10 classes and probabilities equal PyTorch's within 1e-4, the
// encoder self-attention found by the instrumenter equals PyTorch's patterns, and rollout equals
// a numpy rollout of that attention (test/fixtures/audio/make_rollout_reference.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngineHandlers } from '../../src/engine/engineHandlers';
import { decodeAudioFile } from '../../src/engine/preprocess/audio/decodeAudio';
import { audioExamples } from '../../src/engine/preprocess/audio/audioExamples';
import { readAudioConfig } from '../../src/engine/preprocess/audio/audioConfig';
import { attentionRollout } from '../../src/engine/analyses/rollout';

const MODEL = join(__dirname, '..', '..', 'models', 'tensorloupe-speech-kws');
interface Ref {
  inputs: { data: number[]; source: string; top10: { ids: number[]; probs: number[] }[] }[];
  activations: Record<string, { shape: number[]; data: number[] }>;
}
const ref = JSON.parse(readFileSync(join(MODEL, 'reference.json'), 'utf8')) as Ref;
const WAVS = ['reference_input0.wav', 'samples/yes_en-gb-scotland_Nguyen.wav', 'samples/left_en-gb-x-rp_Denis.wav'];
const engine = createEngineHandlers({ provider: 'cpu', threads: 1 });
const signal = { cancelled: false, onCancel: () => undefined };

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

test('the .wav files give the reference input_features within 1e-4', async () => {
  const cfg = readAudioConfig(MODEL, 'tensorloupe-speech-kws', 'input_features');
  for (const [i, wav] of WAVS.entries()) {
    const ex = await audioExamples(await decodeAudioFile(join(MODEL, wav)), cfg, 1);
    assert.deepEqual(ex.starts, [0]);
    const d = maxDiff(ex.example(0), ref.inputs[i].data);
    assert.ok(d <= 1e-4, `${wav}: max |diff| ${d}`);
  }
});

test('audio/classify: top-10 ids and probabilities equal PyTorch within 1e-4', async () => {
  for (const [i, wav] of WAVS.entries()) {
    const r = await engine['audio/classify']({ model: MODEL, path: join(MODEL, wav), topK: 10 }, signal);
    assert.equal(r.model, 'tensorloupe-speech-kws');
    assert.deepEqual([r.input.sampleRate, r.input.channels, r.input.duration, r.input.format], [16000, 1, 1, 'WAV PCM 16-bit']);
    assert.equal(r.windows, undefined, 'a one-second clip has no windows');
    const want = ref.inputs[i].top10[0];
    assert.deepEqual(r.top.map((t) => t.id), want.ids, wav);
    r.top.forEach((t, k) => assert.ok(Math.abs(t.prob - want.probs[k]) <= 1e-4, `${wav} #${k}: ${t.prob} vs ${want.probs[k]}`));
    assert.equal(r.top[0].label, ['seven', 'yes', 'left'][i]);
  }
});

test('audio/inspect + audio/attention: encoder self-attention equals PyTorch and rollout equals numpy', async () => {
  const r = await engine['audio/inspect']({ model: MODEL, path: join(MODEL, WAVS[0]), columns: 200 }, signal);
  assert.equal(r.layers, 3);
  assert.equal(r.strip.length, 1);
  assert.equal(r.playback.length, 16000);
  assert.equal(r.peaks.length, 400);
  assert.deepEqual([r.spectrogram.nMels, r.spectrogram.frames], [80, 100]);
  const rollRef = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'audio', 'rollout_reference.json'), 'utf8')) as { cases: { fusion: 'mean' | 'max' | 'min'; discardRatio: number; rollout: number[] }[] };
  for (const c of rollRef.cases) {
    const a = await engine['audio/attention']({ runId: r.runId, window: 0, fusion: c.fusion, discardRatio: c.discardRatio }, signal);
    assert.deepEqual([a.layers, a.heads, a.positions], [3, 4, 50]);
    const per = a.heads * a.positions * a.positions;
    for (let l = 0; l < a.layers; l++) {
      const d = maxDiff(a.patterns.subarray(l * per, (l + 1) * per), ref.activations[`blocks.${l}.attn.hook_pattern`].data);
      assert.ok(d <= 1e-4, `layer ${l} pattern: max |diff| ${d}`);
    }
    const d = maxDiff(a.rollout, c.rollout);
    assert.ok(d <= 1e-4, `rollout ${c.fusion} ${c.discardRatio}: max |diff| ${d}`);
    // the same rollout from the reference's own patterns: the maths alone, without the model
    const refLayers = [0, 1, 2].map((l) => Float32Array.from(ref.activations[`blocks.${l}.attn.hook_pattern`].data));
    assert.ok(maxDiff(attentionRollout(refLayers, 4, 50, c.fusion, c.discardRatio, 'diagonal'), c.rollout) <= 1e-5);
  }
});

test('a long clip: windows every half second, each one classified as its own 1 s example', async () => {
  const long = join(__dirname, '..', 'fixtures', 'audio', 'long_16k_mono_pcm16.wav');
  const r = await engine['audio/classify']({ model: MODEL, path: long, topK: 3 }, signal);
  assert.ok(r.windows);
  assert.deepEqual(r.windows.map((w) => [w.start, w.end]), [[0, 1], [0.5, 1.5], [1, 1.7]]);
  for (const w of r.windows) assert.equal(w.top.length, 3);
  const meanTop = r.top[0];
  const mean = r.windows.reduce((s, w) => s + (w.top.find((t) => t.id === meanTop.id)?.prob ?? 0), 0) / r.windows.length;
  assert.ok(meanTop.prob >= mean - 1e-9, 'the overall top is the mean over windows');
});
