// Inspect Audio on a 30-second clip: decode, resample, log-mel features for every window, the
// windowed forward passes, the whole audio/inspect call and one window's attention, warm (second
// run). Targets (issue 12): inspect + attention ≤ 2 s warm; feature extraction ≤ 10 % of forward.
// The bundled keyword model reads one second per window and its forward takes about 1 ms, as long
// as that window's features: the share is also measured beside a Whisper-tiny-shaped encoder the
// bench builds (bench/models/buildWhisperEncoder.ts), whose example is the whole 30-s chunk.
// The clip: the bundled model's three sample words repeated with noise between, written as a
// 16 kHz mono WAV and as 44.1 kHz stereo (to show the resampler's cost).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createEngineHandlers } from '../src/engine/engineHandlers';
import { decodeAudioFile } from '../src/engine/preprocess/audio/decodeAudio';
import { audioExamples } from '../src/engine/preprocess/audio/audioExamples';
import { readAudioConfig } from '../src/engine/preprocess/audio/audioConfig';
import { mixDown } from '../src/engine/preprocess/audio/mixDown';
import { resample } from '../src/engine/preprocess/audio/resample';
import { classifyWindows, loadAudioClassifier } from '../src/engine/runners/audioClassifier';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { sessionOptions } from '../src/engine/sessions';
import { ensureBenchModel } from './models/benchModels';

const MODEL = join(__dirname, '..', 'models', 'tensorloupe-speech-kws');
const SECONDS = 30;

function wav(samples: Float32Array[], rate: number): Buffer {
  const ch = samples.length;
  const n = samples[0].length;
  const b = Buffer.alloc(44 + n * ch * 2);
  b.write('RIFF', 0);
  b.writeUInt32LE(36 + n * ch * 2, 4);
  b.write('WAVEfmt ', 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(ch, 22);
  b.writeUInt32LE(rate, 24);
  b.writeUInt32LE(rate * ch * 2, 28);
  b.writeUInt16LE(ch * 2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36);
  b.writeUInt32LE(n * ch * 2, 40);
  for (let i = 0; i < n; i++) for (let c = 0; c < ch; c++) b.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(samples[c][i] * 32767))), 44 + (i * ch + c) * 2);
  return b;
}

async function clip(dir: string): Promise<{ mono16: string; stereo44: string }> {
  const words = ['samples/yes_en-gb-scotland_Nguyen.wav', 'samples/left_en-gb-x-rp_Denis.wav', 'samples/seven_en-gb_anika.wav'];
  const sounds = await Promise.all(words.map(async (w) => (await decodeAudioFile(join(MODEL, w))).channels[0]));
  const out = new Float32Array(SECONDS * 16000);
  let seed = 1;
  for (let i = 0; i < out.length; i++) out[i] = ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.01;
  for (let at = 0, k = 0; at + 16000 <= out.length; at += 16000 + 4000, k++) out.set(sounds[k % 3], at);
  const mono16 = join(dir, 'clip30_16k.wav');
  writeFileSync(mono16, wav([out], 16000));
  const n44 = Math.round((out.length * 44100) / 16000);
  const up = new Float32Array(n44).map((_, i) => out[Math.min(out.length - 1, Math.floor((i * 16000) / 44100))]);
  const stereo44 = join(dir, 'clip30_44k_stereo.wav');
  writeFileSync(stereo44, wav([up, up], 44100));
  return { mono16, stereo44 };
}

async function time<T>(f: () => Promise<T> | T): Promise<[T, number]> {
  const t0 = performance.now();
  const r = await f();
  return [r, performance.now() - t0];
}

async function main(): Promise<{ mono16: string; stereo44: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'tl-audio-bench-'));
  const files = await clip(dir);
  const engine = createEngineHandlers({ provider: 'cpu', threads: 0 });
  const signal = { cancelled: false, onCancel: () => undefined };
  const c = await loadAudioClassifier(MODEL, { provider: 'cpu', threads: 0 });
  const cfg = readAudioConfig(MODEL, 'tensorloupe-speech-kws', 'input_features');
  const rows: Record<string, number | string>[] = [];
  for (const [name, path] of Object.entries(files)) {
    let r: Record<string, number | string> = {};
    for (let round = 0; round < 2; round++) { // the second round is the warm one
      const [decoded, decodeMs] = await time(() => decodeAudioFile(path));
      // mono 16 kHz first, then the examples of that (their log-mel frames, then each window's input)
      const [mono, resampleMs] = await time(() => ({ ...decoded, sampleRate: cfg.sampleRate, channels: [resample(mixDown(decoded.channels), decoded.sampleRate, cfg.sampleRate)] }));
      const [examples, framesMs] = await time(() => audioExamples(mono, cfg, 0));
      const [inputs, windowsMs] = await time(() => examples.starts.map((s) => examples.example(s)));
      const featuresMs = framesMs + windowsMs;
      const [, forwardMs] = await time(() => classifyWindows(c, inputs.length, (i) => inputs[i], examples.dims, signal));
      const [inspected, inspectMs] = await time(() => engine['audio/inspect']({ model: MODEL, path, columns: 1200 }, signal));
      const [, attentionMs] = await time(() => engine['audio/attention']({ runId: inspected.runId, window: 10 }, signal));
      r = {
        clip: name, bytes: readFileSync(path).length, windows: examples.starts.length, decodeMs, resampleMs, featuresMs, forwardMs,
        featuresOverForward: featuresMs / forwardMs, inspectMs, attentionMs, panelTotalMs: inspectMs + attentionMs,
      };
    }
    rows.push(r);
  }
  console.log('clip                 windows  decode  resample  features  forward  feat/fwd  inspect  attention  total (warm, ms)');
  for (const r of rows) {
    const f = (k: string, w = 8) => (typeof r[k] === 'number' ? (r[k] as number).toFixed(k === 'featuresOverForward' ? 2 : 0) : String(r[k])).padStart(w);
    console.log(`${String(r.clip).padEnd(20)} ${f('windows', 7)} ${f('decodeMs', 7)} ${f('resampleMs', 9)} ${f('featuresMs', 9)} ${f('forwardMs', 8)} ${f('featuresOverForward', 9)} ${f('inspectMs', 8)} ${f('attentionMs', 10)} ${f('panelTotalMs', 6)}`);
    console.log(`BENCH ${JSON.stringify({ bench: 'audio', ...r, targetTotalMs: 2000, targetFeatureShare: 0.1 })}`);
  }
  return files;
}

/**
 * Features of the clip's one 30-s example (a fresh extractor each round: no frames shared from
 * the round before) beside the Whisper-tiny-shaped encoder's forward over them, in turns.
 */
async function whisperShare(path: string): Promise<void> {
  const bm = ensureBenchModel('whisper-tiny-encoder');
  const cfg = readAudioConfig(bm.dir, 'whisper-tiny-encoder', 'input_features');
  const session = await InferenceSession.create(join(bm.dir, 'onnx', 'model.onnx'), sessionOptions(0));
  const decoded = await decodeAudioFile(path);
  const rounds: { featuresMs: number; forwardMs: number }[] = [];
  for (let round = 0; round < 6; round++) {
    const [features, featuresMs] = await time(async () => {
      const examples = await audioExamples(decoded, cfg, 0);
      return examples.example(examples.starts[0]);
    });
    const [, forwardMs] = await time(() => session.run({ input_features: new Tensor('float32', features, [1, cfg.nMels, cfg.nSamples / cfg.hop]) }));
    if (round > 0) rounds.push({ featuresMs, forwardMs }); // the first warms both
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const r = { featuresMs: median(rounds.map((x) => x.featuresMs)), forwardMs: median(rounds.map((x) => x.forwardMs)), featuresOverForward: median(rounds.map((x) => x.featuresMs / x.forwardMs)) };
  console.log(`whisper-tiny-shaped encoder (${(bm.params / 1e6).toFixed(1)}M params), one 30-s example: features ${r.featuresMs.toFixed(1)} ms, forward ${r.forwardMs.toFixed(0)} ms, features/forward ${r.featuresOverForward.toFixed(3)} (target ≤ 0.10)`);
  console.log(`BENCH ${JSON.stringify({ bench: 'audio-whisper-shaped', params: bm.params, ...r, targetFeatureShare: 0.1 })}`);
}

void main().then((files) => whisperShare(files.mono16));
