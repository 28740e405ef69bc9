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
      `next token, surprisal, attention or logit lens. Choose a language model (a folder with tokenizer.json)${kind.modality === 'image' ? '; for images use Tensorloupe: Inspect Image or tensorloupe classify-image' : `; ${kind.modality} panels come in a later version`}.`,
  );
}

function architectureOf(config: ModelConfig & { architectures?: unknown }): string {
  const archs = config.architectures;
  return Array.isArray(archs) && typeof archs[0] === 'string' ? archs[0] : '';
}

/** What a text model predicts, which decides what "the prediction" means in every feature. */
export type TextKindName = 'decoder-lm' | 'masked-lm' | 'sequence-classifier' | 'token-classifier';

export interface TextKind {
  kind: TextKindName;
  /** why: "config.json architectures BertForMaskedLM", "logits are [batch, 2]" */
  evidence: string;
}

/** The graph facts the kind is read from when config.json does not say. */
export interface GraphSignature {
  inputs: string[];
  /** the logits output's rank and last dimension (undefined when symbolic or absent) */
  logitsRank?: number;
  logitsLast?: number;
}

/** model_type values of encoder-only families (transformers' names): no causal mask, a [MASK] objective. */
const ENCODER_MODEL_TYPES = new Set([
  'bert', 'distilbert', 'roberta', 'xlm-roberta', 'camembert', 'albert', 'electra', 'deberta', 'deberta-v2', 'mpnet',
  'ernie', 'modernbert', 'mobilebert', 'squeezebert', 'xlm', 'flaubert', 'nomic_bert', 'megatron-bert', 'rembert', 'esm',
]);

/**
 * Chooses a text model's kind from config.json's architectures (what transformers.js and Optimum
 * read: BertForMaskedLM, DistilBertForSequenceClassification, …), else from model_type plus the
 * graph, else from the graph's own signature: logits [batch, classes] is a sequence classifier,
 * past_key_values.* inputs a decoder, logits as wide as id2label a token classifier. A graph that
 * says nothing stays a decoder LM (what every earlier Tensorloupe version assumed).
 */
export function textKindOf(config: ModelConfig & { architectures?: unknown }, graph: GraphSignature): TextKind {
  const arch = architectureOf(config);
  if (/ForMaskedLM$/.test(arch)) return { kind: 'masked-lm', evidence: `config.json architectures ${arch}` };
  if (/ForSequenceClassification$/.test(arch)) return { kind: 'sequence-classifier', evidence: `config.json architectures ${arch}` };
  if (/ForTokenClassification$/.test(arch)) return { kind: 'token-classifier', evidence: `config.json architectures ${arch}` };
  if (/(ForCausalLM|LMHeadModel)$/.test(arch)) return { kind: 'decoder-lm', evidence: `config.json architectures ${arch}` };
  const labels = config.id2label ? Object.keys(config.id2label).length : 0;
  const shape = graph.logitsRank === undefined ? '' : `logits of rank ${graph.logitsRank}${graph.logitsLast ? `, last dimension ${graph.logitsLast}` : ''}`;
  if (graph.logitsRank === 2) return { kind: 'sequence-classifier', evidence: `logits are [batch, ${graph.logitsLast ?? 'classes'}]` };
  const perTokenLabels = labels > 0 && graph.logitsLast === labels && graph.logitsLast !== config.vocab_size;
  if (perTokenLabels && !graph.inputs.some((n) => n.startsWith('past_key_values'))) {
    return { kind: 'token-classifier', evidence: `${shape} = the ${labels} labels of config.json id2label` };
  }
  if (config.model_type && ENCODER_MODEL_TYPES.has(config.model_type)) {
    return { kind: 'masked-lm', evidence: `config.json model_type ${config.model_type} (an encoder) with per-token logits` };
  }
  if (graph.inputs.some((n) => /^past(_key_values)?[._]/.test(n))) return { kind: 'decoder-lm', evidence: 'the graph takes a KV cache (past_* inputs)' };
  return { kind: 'decoder-lm', evidence: shape ? `${shape}, no encoder named in config.json` : 'nothing in config.json names another kind' };
}

/** "a masked language model" … for messages */
export function describeKind(kind: TextKindName): string {
  switch (kind) {
    case 'decoder-lm':
      return 'a decoder language model';
    case 'masked-lm':
      return 'a masked language model';
    case 'sequence-classifier':
      return 'a sequence classifier';
    case 'token-classifier':
      return 'a token classifier';
  }
}
