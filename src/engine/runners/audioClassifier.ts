// The audio classifier runner: a model folder whose graph reads input_features [batch, mels,
// frames] (Whisper-style log-mel) or input_values [batch, samples] (wav2vec2-style) and writes
// logits [batch, classes]; class names from config.json's id2label. Windows run in batches; the
// instrumented twin (found Softmax patterns, residual stream) opens only when attention is asked.
import * as ort from 'onnxruntime-node';
import { resolveModelFolder, type ModelFolder } from '../modelFolder';
import { createSession, sessionOptions, type EngineOptions, type LoadedSession } from '../sessions';
import { nonTextKind } from '../models/modelKind';
import { ModelLoadError } from '../errors';
import { readAudioConfig, type AudioInputConfig } from '../preprocess/audio/audioConfig';
import { instrumentModel } from '../instrument/instrumentModel';
import { createInstrumentedSession, fetchActivations, type Activations } from '../instrument/fetchActivations';
import { explainOrtError } from '../ortErrors';
import type { InstrumentResult } from '../instrument/types';
import { checkpoint } from '../cancellation';
import type { CancelSignal } from '../../protocol/rpc';

/** windows per onnxruntime run: 32 one-second windows of the bundled model take ~40 ms */
const BATCH = 32;

export interface AudioClassifier {
  folder: ModelFolder;
  loaded: LoadedSession;
  inputName: 'input_features' | 'input_values';
  cfg: AudioInputConfig;
  labels: string[];
}

export async function loadAudioClassifier(model: string, options: EngineOptions): Promise<AudioClassifier> {
  const folder = resolveModelFolder(model, options.variant);
  const kind = nonTextKind(folder);
  if (!kind || kind.modality !== 'audio') {
    throw new ModelLoadError(`${folder.name} is not an audio model (no audio architecture in config.json nor a feature extractor in preprocessor_config.json); choose one with tensorloupe.audioModel or --model.`);
  }
  const loaded = await createSession(folder, options);
  const inputs = loaded.session.inputNames;
  const inputName = inputs.includes('input_values') ? 'input_values' : 'input_features';
  if (!inputs.includes(inputName) || inputs.length !== 1) {
    await loaded.session.release();
    throw new ModelLoadError(`${folder.name}: the graph reads ${inputs.join(', ')}; an audio classifier reads one input, input_features or input_values.`);
  }
  if (!loaded.session.outputNames.includes('logits')) {
    await loaded.session.release();
    throw new ModelLoadError(`${folder.name}: the graph has no logits output (it writes ${loaded.session.outputNames.join(', ')}); only audio classifiers are supported.`);
  }
  const cfg = readAudioConfig(folder.dir, folder.name, inputName);
  const id2label = folder.config.id2label ?? {};
  const n = Object.keys(id2label).length;
  const labels = Array.from({ length: n }, (_, i) => id2label[String(i)] ?? `LABEL_${i}`);
  return { folder, loaded, inputName, cfg, labels };
}

/**
 * `count` windows, each made on demand by `example(i)` (float32 of `dims`), a batch at a time so
 * an hour of audio never holds all its inputs at once → logits [windows, classes]. A cancel is
 * seen between batches; `onBatch` reports how many windows are done.
 */
export async function classifyWindows(c: AudioClassifier, count: number, example: (i: number) => Float32Array, dims: number[], signal?: CancelSignal,
  onBatch?: (done: number) => void): Promise<{ logits: Float32Array; classes: number }> {
  const per = dims.reduce((a, b) => a * b, 1);
  const parts: Float32Array[] = [];
  let classes = 0;
  for (let at = 0; at < count; at += BATCH) {
    await checkpoint(signal);
    const n = Math.min(BATCH, count - at);
    const data = new Float32Array(n * per);
    for (let i = 0; i < n; i++) data.set(example(at + i), i * per);
    const out = await c.loaded.session.run({ [c.inputName]: new ort.Tensor('float32', data, [n, ...dims]) }).catch((error: unknown) => {
      throw new ModelLoadError(`${explainOrtError(error, c.folder.name, 'run')}.`);
    });
    const logits = out.logits; // [n, classes]
    classes = logits.dims[1];
    parts.push(Float32Array.from(logits.data as Float32Array));
    onBatch?.(at + n);
  }
  const logits = new Float32Array(count * classes);
  let o = 0;
  for (const p of parts) {
    logits.set(p, o);
    o += p.length;
  }
  return { logits, classes };
}

/** The instrumented twin of an audio model, with a lean session per set of hooks. */
export interface InstrumentedAudio {
  result: InstrumentResult;
  sessions: Map<string, Promise<ort.InferenceSession>>;
}

export async function instrumentAudio(c: AudioClassifier, cacheDir: string): Promise<InstrumentedAudio> {
  const result = await instrumentModel(c.folder.onnxPath, cacheDir).catch((error: Error) => {
    throw new ModelLoadError(`Could not instrument ${c.folder.name}: ${error.message}`);
  });
  return { result, sessions: new Map() };
}

/** hooks (names or globs) of one batch of examples [batch, ...dims] */
export async function audioActivations(c: AudioClassifier, m: InstrumentedAudio, data: Float32Array, dims: number[], names: string[], threads: number): Promise<Activations> {
  const key = names.join('|');
  let session = m.sessions.get(key);
  if (!session) {
    session = createInstrumentedSession(m.result, sessionOptions(threads), names);
    session.catch(() => m.sessions.delete(key));
    m.sessions.set(key, session);
  }
  return fetchActivations(await session, m.result, { [c.inputName]: new ort.Tensor('float32', data, dims) }, names);
}
