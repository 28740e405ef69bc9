import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ModelLoadError } from '../errors';
import type { ModelConfig, ModelFolder } from '../modelFolder';

/** A model that reads images or sound, not token ids: what it is, in words a user knows. */
export interface NonTextKind {
  modality: 'image' | 'audio';
  /** "an image classifier", "an audio encoder" */
  description: string;
  /** the graph input it reads instead of input_ids */
  input: 'pixel_values' | 'input_features' | 'input_values';
  /** what config.json / preprocessor_config.json said, e.g. "ViTForImageClassification, 36 labels" */
  evidence: string;
}

/** preprocessor_config.json is a hint only: a broken or huge one is ignored, never an error of its own. */
const MAX_PREPROCESSOR_BYTES = 1 << 20;

interface PreprocessorConfig {
  image_processor_type?: unknown;
  feature_extractor_type?: unknown;
  image_mean?: unknown;
  sampling_rate?: unknown;
}

function readPreprocessor(dir: string): PreprocessorConfig | undefined {
  const path = join(dir, 'preprocessor_config.json');
  try {
    if (!existsSync(path) || statSync(path).size > MAX_PREPROCESSOR_BYTES) return undefined;
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as PreprocessorConfig) : undefined;
  } catch {
    return undefined;
  }
}

const AUDIO_EXTRACTOR = /Whisper|Wav2Vec2|SeamlessM4T|ASTFeature|Audio|Speech|Clap|EnCodec/i;
const IMAGE_ARCH = /ImageClassification|ForImage|Vision|ViT|DeiT|BEiT|Swin|ConvNext|ResNet|Dinov2|ObjectDetection|Segmentation|DepthEstimation/i;
const AUDIO_ARCH = /AudioClassification|ForCTC|SpeechSeq2Seq|Whisper|Wav2Vec2|Hubert|WavLM|Audio|Speech|Kws/i;

/**
 * Says whether a model folder holds a vision or audio model, from config.json's architectures and
 * preprocessor_config.json (what transformers.js reads to choose a processor). Text models and
 * folders that say nothing return undefined: the text loader then judges them on their own files.
 */
export function nonTextKind(folder: Pick<ModelFolder, 'dir' | 'config'>): NonTextKind | undefined {
  const arch = architectureOf(folder.config);
  const pre = readPreprocessor(folder.dir);
  const extractor = typeof pre?.feature_extractor_type === 'string' ? pre.feature_extractor_type : '';
  const imageProcessor = typeof pre?.image_processor_type === 'string' ? pre.image_processor_type : '';
  const audio = AUDIO_ARCH.test(arch) || AUDIO_EXTRACTOR.test(extractor) || (pre?.sampling_rate !== undefined && !imageProcessor);
  const image = !audio && (IMAGE_ARCH.test(arch) || imageProcessor !== '' || pre?.image_mean !== undefined);
  if (!audio && !image) return undefined;
  const classifier = /Classification/i.test(arch);
  const labels = folder.config.id2label ? Object.keys(folder.config.id2label).length : 0;
  const evidence = [arch || folder.config.model_type, extractor || imageProcessor, labels > 0 ? `${labels} labels` : ''].filter(Boolean).join(', ');
  if (audio) {
    return {
      modality: 'audio',
      description: classifier ? 'an audio classifier' : 'an audio model',
      input: /Wav2Vec2|Hubert|WavLM/i.test(arch + extractor) ? 'input_values' : 'input_features',
      evidence,
    };
  }
  return { modality: 'image', description: classifier ? 'an image classifier' : 'a vision model', input: 'pixel_values', evidence };
}

/** The one-line refusal for using such a model where a language model is needed. */
export function notATextModelError(name: string, kind: NonTextKind): ModelLoadError {
  const what = kind.modality === 'image' ? 'images' : 'sound';
  return new ModelLoadError(
    `${name} is ${kind.description} (${kind.evidence}): it reads ${what} as ${kind.input}, not text, so it cannot be the text model for ` +
      `next token, surprisal, attention or logit lens. Choose a language model (a folder with tokenizer.json); ${kind.modality} panels come in a later version.`,
  );
}

function architectureOf(config: ModelConfig & { architectures?: unknown }): string {
  const archs = config.architectures;
  return Array.isArray(archs) && typeof archs[0] === 'string' ? archs[0] : '';
}
