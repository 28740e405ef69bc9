// The source side of a cross-modal map: every sample's embedding at every layer of an image or
// audio model, read off its instrumented graph in batches.
//   image: the CLS token (token 0) of the residual stream, as the classifier head reads it
//   audio: the mean over the encoder's positions of a window (the bundled model's own pooling);
//          a clip longer than one window is the mean over its windows
// Layers: 0 = blocks.0.hook_resid_pre (the embedding), l = blocks.{l-1}.hook_resid_post, and the
// final norm's output when the graph has one.
import { Tensor } from 'onnxruntime-node';
import { basename } from 'node:path';
import { decodeImageFile } from '../../preprocess/image/decodeImage';
import { decodeAudioFile } from '../../preprocess/audio/decodeAudio';
import { audioExamples } from '../../preprocess/audio/audioExamples';
import { audioActivations, type AudioClassifier, type InstrumentedAudio } from '../../runners/audioClassifier';
import { fetchActivations, type Activations } from '../../instrument/fetchActivations';
import { checkpoint } from '../../cancellation';
import { InputError, ModelLoadError } from '../../errors';
import type { InstrumentResult } from '../../instrument/types';
import type { LoadedVision, VisionModels } from '../vision/visionModels';
import type { CancelSignal } from '../../../protocol/rpc';

/** samples (images) or windows (sounds) per onnxruntime run */
const BATCH = 32;
/** windows of one clip at most (half a window apart: about 30 s for a 1 s model); a pair is a short sound */
const MAX_WINDOWS = 60;

export interface SourceLayer {
  hook: string;
  label: string;
  /** [samples, dModel] */
  x: Float32Array;
}

export interface SourceEmbeddings {
  layers: SourceLayer[];
  dModel: number;
  embedding: string;
}

/** The hooks read, in layer order, with the chart's names for them. */
export function layerHooks(result: InstrumentResult): { hook: string; label: string }[] {
  const names = new Set(result.hooks.map((h) => h.name));
  const out = [{ hook: 'blocks.0.hook_resid_pre', label: 'embedding' }];
  for (let l = 0; l < result.architecture.nLayers; l++) out.push({ hook: `blocks.${l}.hook_resid_post`, label: `block ${l}` });
  if (names.has('ln_final.hook_normalized')) out.push({ hook: 'ln_final.hook_normalized', label: 'final norm' });
  const missing = out.find((h) => !names.has(h.hook));
  if (missing) throw new ModelLoadError(`the residual stream was not found in the graph (no ${missing.hook}); a cross-modal map reads it at every layer.`);
  return out;
}

function emptyLayers(hooks: { hook: string; label: string }[], n: number, d: number): SourceLayer[] {
  return hooks.map((h) => ({ ...h, x: new Float32Array(n * d) }));
}

/** CLS of each image at each layer. */
export async function imageEmbeddings(models: VisionModels, m: LoadedVision, files: string[], signal: CancelSignal | undefined, onBatch: (done: number) => void): Promise<SourceEmbeddings> {
  const result = await models.instrumented(m);
  const hooks = layerHooks(result);
  const names = hooks.map((h) => h.hook);
  const session = await models.session(m, names);
  let layers: SourceLayer[] | undefined;
  let d = 0;
  for (let at = 0; at < files.length; at += BATCH) {
    await checkpoint(signal);
    const batch = files.slice(at, at + BATCH).map((f) => m.runner.preprocess(decodeImageFile(f)));
    const { height, width } = batch[0];
    const bad = batch.findIndex((pv) => pv.height !== height || pv.width !== width);
    if (bad >= 0) throw new ModelLoadError(`${basename(files[at + bad])} preprocesses to ${batch[bad].width} × ${batch[bad].height}, the others to ${width} × ${height}.`);
    const data = new Float32Array(batch.length * 3 * height * width);
    batch.forEach((pv, i) => data.set(pv.data, i * pv.data.length));
    let acts: Activations;
    try {
      acts = await fetchActivations(session, result, { [m.runner.inputName]: new Tensor('float32', data, [batch.length, 3, height, width]) }, names);
    } catch (error) {
      throw new ModelLoadError(`${m.runner.name}: the instrumented forward pass failed (${(error as Error).message}).`);
    }
    hooks.forEach((h, l) => {
      const t = acts.get(h.hook)!; // [batch, tokens, d]
      const [, tokens, dm] = t.dims;
      if (!layers) {
        d = dm;
        layers = emptyLayers(hooks, files.length, d);
      }
      for (let i = 0; i < batch.length; i++) layers[l].x.set(t.data.subarray(i * tokens * d, i * tokens * d + d), (at + i) * d);
    });
    onBatch(Math.min(files.length, at + BATCH));
  }
  return { layers: layers!, dModel: d, embedding: 'CLS token (token 0)' };
}

/** Mean over encoder positions (and over windows, for a clip longer than one) of each sound at each layer. */
export async function audioEmbeddings(c: AudioClassifier, m: InstrumentedAudio, files: string[], threads: number, signal: CancelSignal | undefined, onFile: (done: number) => void): Promise<SourceEmbeddings> {
  const hooks = layerHooks(m.result);
  const names = hooks.map((h) => h.hook);
  // windows of every clip, made a batch at a time: [file, example]
  const pending: { file: number; example: Float32Array }[] = [];
  const windows = new Int32Array(files.length);
  let layers: SourceLayer[] | undefined;
  let d = 0;
  let dims: number[] = [];
  const flush = async () => {
    if (pending.length === 0) return;
    await checkpoint(signal);
    const per = pending[0].example.length;
    const data = new Float32Array(pending.length * per);
    pending.forEach((p, i) => data.set(p.example, i * per));
    const acts = await audioActivations(c, m, data, [pending.length, ...dims], names, threads);
    hooks.forEach((h, l) => {
      const t = acts.get(h.hook)!; // [batch, positions, d]
      const [, positions, dm] = t.dims;
      if (!layers) {
        d = dm;
        layers = emptyLayers(hooks, files.length, d);
      }
      const x = layers[l].x;
      pending.forEach((p, i) => {
        const o = p.file * d;
        for (let q = 0; q < positions; q++) {
          const s = (i * positions + q) * d;
          for (let j = 0; j < d; j++) x[o + j] += t.data[s + j] / positions;
        }
      });
    });
    pending.length = 0;
  };
  for (let f = 0; f < files.length; f++) {
    const ex = await audioExamples(await decodeAudioFile(files[f]), c.cfg, threads, () => checkpoint(signal));
    if (ex.starts.length > MAX_WINDOWS) throw new InputError(`${basename(files[f])} is ${(ex.samples.length / c.cfg.sampleRate).toFixed(0)} s long; a cross-modal pair is a short sound (at most ${MAX_WINDOWS} windows of ${c.cfg.nSamples / c.cfg.sampleRate} s): cut it.`);
    dims = ex.dims;
    windows[f] = ex.starts.length;
    for (const s of ex.starts) {
      pending.push({ file: f, example: ex.example(s) });
      if (pending.length === BATCH) await flush();
    }
    onFile(f + 1);
  }
  await flush();
  for (const layer of layers!) for (let f = 0; f < files.length; f++) for (let j = 0; j < d; j++) layer.x[f * d + j] /= windows[f];
  return { layers: layers!, dModel: d, embedding: 'mean over encoder positions (and windows)' };
}
