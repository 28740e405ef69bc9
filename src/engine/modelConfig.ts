import { ModelLoadError } from './errors';
import { MAX_CONFIG_BYTES, readBoundedText } from '../util/readBounded';
import type { ModelConfig } from './modelFolder';

/** Bigger than any real context, vocabulary or width, small enough that no loop over it hangs. */
const MAX_SIZE = 2 ** 24;

/** config.json's numeric keys and the smallest value each may take. */
const SIZES: Partial<Record<keyof ModelConfig, number>> = {
  vocab_size: 1,
  n_positions: 1,
  max_position_embeddings: 1,
  n_ctx: 1,
  n_layer: 0,
  num_hidden_layers: 0,
  n_head: 1,
  num_attention_heads: 1,
  num_key_value_heads: 1,
  n_embd: 1,
  hidden_size: 1,
  head_dim: 1,
};
// pad_token_id is left alone: Tensorloupe never reads it and early LLaMA configs set it to −1
const TOKEN_IDS = ['bos_token_id', 'eos_token_id'] as const;

/**
 * Reads and checks config.json: every key Tensorloupe uses is a whole number in range, so a bad
 * value is named here instead of surfacing later as "the selection has no tokens", a negative
 * context, a special token read from the last row (id −1) or a loop over 10¹⁵ vocabulary ids.
 * `null` (as transformers writes for unset keys) counts as absent.
 */
export function readModelConfig(path: string): ModelConfig {
  const parsed = readConfigJson(path);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ModelLoadError(`${path} must hold a JSON object (it holds ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : `a ${typeof parsed}`}).`);
  }
  return checkModelConfig(path, parsed as Record<string, unknown>);
}

/** The same checks for a config read from elsewhere (genai_config.json's model section); `path` names the file in errors. */
export function checkModelConfig(path: string, config: Record<string, unknown>): ModelConfig {
  for (const [key, min] of Object.entries(SIZES) as [string, number][]) {
    if (config[key] === null) delete config[key];
    if (config[key] !== undefined) wholeNumber(path, key, config[key], min, MAX_SIZE);
  }
  const vocab = typeof config.vocab_size === 'number' ? config.vocab_size : MAX_SIZE;
  for (const key of TOKEN_IDS) {
    const v = config[key];
    if (v === null || v === undefined) {
      delete config[key];
      continue;
    }
    for (const id of Array.isArray(v) ? v : [v]) wholeNumber(path, key, id, 0, vocab - 1, 'a token id');
  }
  return config as ModelConfig;
}

function wholeNumber(path: string, key: string, value: unknown, min: number, max: number, what = 'a whole number'): void {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return;
  const shown = JSON.stringify(value)?.slice(0, 40) ?? String(value);
  throw new ModelLoadError(`${path}: ${key} is invalid: it must be ${what} from ${min} to ${max.toLocaleString('en-US')} (got ${shown}).`);
}

/** A model folder's JSON file (config.json, genai_config.json), size-bounded, or one line naming it. */
export function readConfigJson(path: string): unknown {
  const text = readBoundedText(path, MAX_CONFIG_BYTES, (m) => new ModelLoadError(m));
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ModelLoadError(`${path} is not valid JSON (${(error as Error).message}).`);
  }
}
