/**
 * onnxruntime-genai model folders (written by its model builder): genai_config.json instead of
 * config.json. Its model section names the decoder's file, its input/output names (the KV cache
 * as %d templates), head counts, head size, hidden size, context length and vocabulary, which
 * are read here into the config.json keys the rest of Tensorloupe knows.
 */
import { join } from 'node:path';
import { ModelLoadError } from '../errors';
import { existsOrLink } from '../../util/readBounded';
import { checkModelConfig, readConfigJson } from '../modelConfig';
import type { ModelConfig } from '../modelFolder';
import { OPTIMUM_CACHE_NAMES, type CacheNames } from '../runners/decoderFeeds';

export const GENAI_CONFIG = 'genai_config.json';

export interface GenaiFolder {
  /** the decoder's .onnx, resolved inside the folder */
  onnxPath: string;
  config: ModelConfig;
  cacheNames: CacheNames;
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

export function hasGenaiConfig(dir: string): boolean {
  return existsOrLink(join(dir, GENAI_CONFIG));
}

export function readGenaiConfig(dir: string): GenaiFolder {
  const path = join(dir, GENAI_CONFIG);
  const parsed = readConfigJson(path);
  const model = obj(obj(parsed)?.model);
  const decoder = obj(model?.decoder);
  if (!model || !decoder) throw new ModelLoadError(`${path} has no model.decoder section: it is not an onnxruntime-genai configuration.`);
  const filename = str(decoder.filename);
  if (!filename) throw new ModelLoadError(`${path}: model.decoder.filename is missing; it names the decoder's .onnx file.`);
  // a file name, never a path out of the folder
  if (/[\\/]/.test(filename) || filename === '..' || !filename.endsWith('.onnx')) {
    throw new ModelLoadError(`${path}: model.decoder.filename must be an .onnx file in the same folder (got ${JSON.stringify(filename)}).`);
  }
  const inputs = obj(decoder.inputs) ?? {};
  const outputs = obj(decoder.outputs) ?? {};
  for (const [section, key, standard] of [[inputs, 'input_ids', 'input_ids'], [inputs, 'attention_mask', 'attention_mask'], [outputs, 'logits', 'logits']] as const) {
    const name = str(section[key]);
    if (name !== undefined && name !== standard) {
      throw new ModelLoadError(`${path}: the decoder's ${key} is named ${JSON.stringify(name)}; Tensorloupe reads models whose ${key} is named ${standard}.`);
    }
  }
  const template = (v: unknown, fallback: string): string => {
    const t = str(v);
    return t && t.split('%d').length === 2 ? t : fallback;
  };
  const cacheNames: CacheNames = {
    pastKey: template(inputs.past_key_names, OPTIMUM_CACHE_NAMES.pastKey),
    pastValue: template(inputs.past_value_names, OPTIMUM_CACHE_NAMES.pastValue),
    presentKey: template(outputs.present_key_names, OPTIMUM_CACHE_NAMES.presentKey),
    presentValue: template(outputs.present_value_names, OPTIMUM_CACHE_NAMES.presentValue),
  };
  const config = checkModelConfig(path, {
    model_type: str(model.type),
    vocab_size: model.vocab_size ?? undefined,
    max_position_embeddings: model.context_length ?? undefined,
    num_hidden_layers: decoder.num_hidden_layers ?? undefined,
    num_attention_heads: decoder.num_attention_heads ?? undefined,
    num_key_value_heads: decoder.num_key_value_heads ?? undefined,
    hidden_size: decoder.hidden_size ?? undefined,
    head_dim: decoder.head_size ?? undefined,
    bos_token_id: model.bos_token_id ?? undefined,
    eos_token_id: model.eos_token_id ?? undefined,
  });
  for (const k of Object.keys(config) as (keyof ModelConfig)[]) if (config[k] === undefined) delete config[k];
  return { onnxPath: join(dir, filename), config, cacheNames };
}
