import type * as ort from 'onnxruntime-node';
import { Tensor } from 'onnxruntime-node';
import { ModelLoadError } from '../errors';
import { resolveModelFolder, type ModelFolder } from '../modelFolder';
import { nonTextKind } from '../models/modelKind';
import { createSession, type EngineOptions, type LoadedSession } from '../sessions';
import { explainOrtError } from '../ortErrors';
import { readImageProcessor, toPixelValues, type ImageProcessorSpec, type PixelValues } from '../preprocess/image/imageProcessor';
import type { RgbImage } from '../preprocess/image/rgbImage';
import { labelsOf } from './classifier';
import type { ImagePrediction } from '../../protocol/vision';

/**
 * An image classifier in the layout of transformers' ViTForImageClassification exports (Optimum,
 * transformers.js; DeiT, BEiT and the bundled tensorloupe-glyph-vit too): one float input
 * `pixel_values` [batch, 3, H, W] → `logits` [batch, labels], classes named by config.json's
 * id2label, images prepared as its preprocessor_config.json says.
 */
export class VisionClassifier {
  readonly kind = 'image-classifier';
  readonly labels: readonly string[];
  readonly inputName: string;

  constructor(
    readonly folder: ModelFolder,
    readonly loaded: LoadedSession,
    readonly spec: ImageProcessorSpec,
  ) {
    const session = loaded.session;
    const input = session.inputNames.includes('pixel_values') ? 'pixel_values' : session.inputNames[0];
    if (session.inputNames.length !== 1) {
      throw new ModelLoadError(`${folder.name}: an image classifier has one input (pixel_values); this graph has ${session.inputNames.join(', ')}.`);
    }
    this.inputName = input;
    const logits = session.outputMetadata.find((m) => m.name === 'logits') ?? session.outputMetadata[0];
    const last = logits?.isTensor ? logits.shape[logits.shape.length - 1] : undefined;
    this.labels = labelsOf(folder, typeof last === 'number' ? last : undefined);
  }

  get name(): string {
    return this.folder.name;
  }

  preprocess(image: RgbImage): PixelValues {
    return toPixelValues(image, this.spec);
  }

  /** pixel_values [1, 3, H, W] → logits [labels] */
  async logits(pv: PixelValues): Promise<Float32Array> {
    const feeds = { [this.inputName]: new Tensor('float32', pv.data, [1, 3, pv.height, pv.width]) };
    let out: ort.InferenceSession.ReturnType;
    try {
      out = await this.loaded.session.run(feeds);
    } catch (error) {
      throw new ModelLoadError(`${explainOrtError(error, this.name)} (pixel_values [1, 3, ${pv.height}, ${pv.width}] from preprocessor_config.json).`);
    }
    const name = this.loaded.session.outputNames.includes('logits') ? 'logits' : this.loaded.session.outputNames[0];
    return out[name].data as Float32Array;
  }

  release(): Promise<void> {
    return this.loaded.session.release();
  }
}

/** Loads a folder as an image classifier, or says in one line why it is not one. */
export async function loadVisionClassifier(model: string, options: EngineOptions): Promise<VisionClassifier> {
  const folder = resolveModelFolder(model, options.variant);
  const kind = nonTextKind(folder);
  if (!kind || kind.modality !== 'image') {
    const what = kind ? `${kind.description} (${kind.evidence})` : 'not a vision model (no image processor in preprocessor_config.json, no vision architecture in config.json)';
    throw new ModelLoadError(`${folder.name} is ${what}: Inspect Image and classify-image need an image classifier such as tensorloupe-glyph-vit (setting tensorloupe.visionModel, --model).`);
  }
  const spec = readImageProcessor(folder.dir);
  const loaded = await createSession(folder, options);
  return new VisionClassifier(folder, loaded, spec);
}

/** Softmax in float64 and the k most probable classes, best first. */
export function topClasses(logits: Float32Array, labels: readonly string[], k: number): ImagePrediction[] {
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  let sum = 0;
  for (const v of logits) sum += Math.exp(v - max);
  const ids = Array.from(logits.keys()).sort((a, b) => logits[b] - logits[a] || a - b).slice(0, k);
  return ids.map((id) => ({ id, label: labels[id] ?? `LABEL_${id}`, prob: Math.exp(logits[id] - max) / sum, logit: logits[id] }));
}
