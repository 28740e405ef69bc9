// The audio methods: classify a clip window by window, inspect it for the panel (waveform,
// spectrogram, strip, player samples), one window's encoder self-attention with its rollout, and
// every hook of every window written as .safetensors.
import { randomUUID } from 'node:crypto';
import { basename, dirname } from 'node:path';
import { accessSync, constants, statSync } from 'node:fs';
import { decodeAudioFile } from '../../preprocess/audio/decodeAudio';
import { audioExamples, type AudioExamples } from '../../preprocess/audio/audioExamples';
import { audioActivations, classifyWindows, type AudioClassifier } from '../../runners/audioClassifier';
import type { AudioModels } from './audioModels';
import { RunStore } from '../../runStore';
import { InputError } from '../../errors';
import { resolveHooks } from '../../instrument/hookNames';
import { writeSafetensors } from '../export/safetensors';
import { fileSha256 } from '../../models/fileSha256';
import { namePatterns } from '../export/exportActivations';
import { attentionRollout } from '../../analyses/rollout';
import { RequestProgress } from '../../progress';
import { checkpoint } from '../../cancellation';
import { meanClasses, topClasses } from './classScores';
import { clipSpectrogram, waveformPeaks } from './audioView';
import type { FeatureContext, FeatureHandlers } from '../context';
import type { AudioClassifyParams, AudioClassifyResult, AudioInput, AudioWindow } from '../../../protocol/audio';
import type { CancelSignal } from '../../../protocol/rpc';

const DEFAULT_TOP_K = 5;
/** the panel's player and spectrogram cover at most this much of a clip */
const VIEW_SECONDS = 600;
const PATTERN = 'blocks.*.attn.hook_pattern';

interface AudioRun {
  c: AudioClassifier;
  examples: AudioExamples;
  seconds: number;
}

export function audioHandlers(ctx: FeatureContext, models: AudioModels): FeatureHandlers<'audio/classify' | 'audio/inspect' | 'audio/attention' | 'audio/activations'> {
  const runs = new RunStore<AudioRun>(4, 256 << 20);
  ctx.whenIdle?.(() => runs.clear());

  async function classify(p: AudioClassifyParams, signal: CancelSignal, stripAlways: boolean) {
    const progress = new RequestProgress(signal, { decode: 20, windows: 80 });
    const c = await models.load(p.model);
    progress.report('decode', 0, 1, `decoding ${basename(p.path)}`);
    const decoded = await decodeAudioFile(p.path);
    const examples = await audioExamples(decoded, c.cfg, ctx.models.threads, () => checkpoint(signal));
    const seconds = decoded.channels[0].length / decoded.sampleRate;
    progress.report('decode', 1, 1, `${examples.starts.length} windows`);
    const n = examples.starts.length;
    const { logits, classes } = await classifyWindows(c, n, (i) => examples.example(examples.starts[i]), examples.dims, signal,
      (done) => progress.report('windows', done, n, `window ${done}/${n}`));
    const k = Math.min(p.topK ?? DEFAULT_TOP_K, classes);
    const rate = c.cfg.sampleRate;
    const strip: AudioWindow[] = examples.starts.map((s, w) => ({
      start: s / rate,
      end: Math.min(seconds, (s + c.cfg.nSamples) / rate),
      top: topClasses(logits.subarray(w * classes, (w + 1) * classes), c.labels, k),
    }));
    const input: AudioInput = {
      file: basename(p.path),
      format: decoded.format,
      sampleRate: decoded.sampleRate,
      channels: decoded.channels.length,
      duration: seconds,
      modelSampleRate: rate,
      windowSeconds: c.cfg.nSamples / rate,
    };
    const long = strip.length > 1;
    const result: AudioClassifyResult = {
      model: c.folder.name,
      input,
      top: long ? meanClasses(logits, strip.length, c.labels, k) : strip[0].top,
      ...(long || stripAlways ? { windows: strip } : {}),
    };
    return { result, strip, c, examples, seconds };
  }

  return {
    'audio/classify': async (p, signal) => (await classify(p, signal, false)).result,

    'audio/inspect': async (p, signal) => {
      const { result, strip, c, examples, seconds } = await classify(p, signal, false);
      const columns = p.columns ?? 1200;
      const rate = c.cfg.sampleRate;
      const view = examples.samples.subarray(0, Math.min(examples.samples.length, VIEW_SECONDS * rate));
      const m = await models.twin(c);
      const runId = randomUUID();
      runs.put(runId, { c, examples, seconds }, examples.samples.byteLength * 2);
      const patterns = resolveHooks(m.result, [PATTERN]);
      return {
        ...result,
        runId,
        strip,
        peaks: waveformPeaks(examples.samples, columns),
        spectrogram: clipSpectrogram(view, c.cfg, columns, view.length === examples.samples.length ? examples.features : undefined),
        playback: Float32Array.from(view),
        playbackRate: rate,
        layers: patterns.length,
        heads: m.result.architecture.nHeads ?? 0,
        unavailable: m.result.unavailable,
      };
    },

    'audio/attention': async (p) => {
      const run = runs.get(p.runId);
      if (!run) throw new InputError('This audio run is no longer kept (the engine keeps the newest 4); run Inspect Audio again.');
      const { c, examples } = run;
      if (p.window >= examples.starts.length) throw new InputError(`audio/attention: window ${p.window} is past the clip's ${examples.starts.length} windows.`);
      const m = await models.twin(c);
      const hooks = resolveHooks(m.result, [PATTERN]);
      if (hooks.length === 0) throw new InputError(`${c.folder.name}: no encoder self-attention was found in the graph (${m.result.unavailable.map((u) => u.reason).join('; ') || 'no Softmax between Q·Kᵀ and ·V'}).`);
      const start = examples.starts[p.window];
      const acts = await audioActivations(c, m, examples.example(start), [1, ...examples.dims], [PATTERN], ctx.models.threads);
      const layers = hooks.map((h) => acts.get(h.name)); // each [1, heads, n, n]
      const first = layers[0];
      if (!first) throw new InputError(`${c.folder.name}: the attention run returned no pattern.`);
      const [, heads, n] = first.dims;
      const patterns = new Float32Array(layers.length * heads * n * n);
      layers.forEach((l, i) => l && patterns.set(l.data.subarray(0, heads * n * n), i * heads * n * n));
      const perLayer = layers.map((_, i) => patterns.subarray(i * heads * n * n, (i + 1) * heads * n * n));
      const rate = c.cfg.sampleRate;
      return {
        window: p.window,
        start: start / rate,
        end: Math.min(run.seconds, (start + c.cfg.nSamples) / rate),
        patterns,
        layers: layers.length,
        heads,
        positions: n,
        // frames have no CLS token: the discard keeps every frame's attention to itself
        rollout: Float32Array.from(attentionRollout(perLayer, heads, n, p.fusion ?? 'mean', p.discardRatio ?? 0, 'diagonal')),
        secondsPerPosition: c.cfg.nSamples / rate / n,
      };
    },

    'audio/activations': async (p, signal) => {
      if (!p.out.endsWith('.safetensors')) throw new InputError(`The output file must end in .safetensors (got ${p.out}).`);
      const dir = dirname(p.out);
      try {
        accessSync(dir, constants.W_OK);
      } catch {
        throw new InputError(`Cannot write ${p.out}: the folder ${dir} does not exist or is not writable.`);
      }
      const c = await models.load(p.model);
      const m = await models.twin(c);
      const names = p.names.length ? p.names : m.result.hooks.map((h) => h.name);
      const hooks = resolveHooks(m.result, names);
      if (hooks.length === 0) throw new InputError(`No activation of ${c.folder.name} matches ${names.join(', ')}; available: ${namePatterns(m.result.hooks.map((h) => h.name))}.`);
      const examples = await audioExamples(await decodeAudioFile(p.path), c.cfg, ctx.models.threads, () => checkpoint(signal));
      if (examples.starts.length > 64) throw new InputError(`${basename(p.path)} has ${examples.starts.length} windows; activations are written for clips of at most 64 windows (cut the clip).`);
      const per = examples.dims.reduce((a, b) => a * b, 1);
      const data = new Float32Array(examples.starts.length * per);
      examples.starts.forEach((s, i) => data.set(examples.example(s), i * per));
      if (signal.cancelled) throw new InputError('cancelled');
      const acts = await audioActivations(c, m, data, [examples.starts.length, ...examples.dims], hooks.map((h) => h.name), ctx.models.threads);
      await writeSafetensors(p.out, acts, {
        format: 'pt',
        model: c.folder.name,
        model_sha256: await fileSha256(c.folder.onnxPath),
        audio_file: basename(p.path),
        window_starts: JSON.stringify(examples.starts),
        producer: 'tensorloupe',
      });
      return {
        out: p.out,
        tensors: [...acts.entries()].map(([name, t]) => ({ name, shape: t.dims })),
        windows: examples.starts.length,
        bytes: statSync(p.out).size,
      };
    },
  };
}
