import { closeSync, existsSync, openSync, readFileSync, readSync, statSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ModelLoadError } from './errors';
import { formatBytes } from '../util/format';

/** The files of a model in the Hugging Face layout (transformers.js / Optimum). */
export interface ModelFolder {
  dir: string;
  name: string;
  onnxPath: string;
  config: ModelConfig;
  tokenizerPath?: string;
  tokenizerConfigPath?: string;
}

/** The config.json keys Tensorloupe reads; every one is optional. */
export interface ModelConfig {
  model_type?: string;
  vocab_size?: number;
  n_positions?: number;
  max_position_embeddings?: number;
  n_ctx?: number;
  n_layer?: number;
  num_hidden_layers?: number;
  n_head?: number;
  num_attention_heads?: number;
  num_key_value_heads?: number;
  n_embd?: number;
  hidden_size?: number;
  head_dim?: number;
  bos_token_id?: number;
  eos_token_id?: number | number[];
  id2label?: Record<string, string>;
}

const ONNX_CANDIDATES = ['onnx/model.onnx', 'model.onnx', 'onnx/decoder_model_merged.onnx', 'onnx/decoder_model.onnx'];

/**
 * Resolves a model argument (a folder in HF layout, or a bare .onnx file with tokenizer.json
 * beside it) into its files, with errors that say what is missing and where.
 */
export function resolveModelFolder(model: string): ModelFolder {
  const target = resolve(model);
  if (!existsSync(target)) throw new ModelLoadError(`Model not found: ${target} does not exist.`);
  let dir: string;
  let onnxPath: string | undefined;
  if (statSync(target).isFile()) {
    if (!target.endsWith('.onnx')) {
      throw new ModelLoadError(`${basename(target)} is not an ONNX model: pass a model folder or a .onnx file.`);
    }
    onnxPath = target;
    dir = dirname(target);
    if (basename(dir) === 'onnx' && existsSync(join(dirname(dir), 'config.json'))) dir = dirname(dir);
  } else {
    dir = target;
    onnxPath = ONNX_CANDIDATES.map((c) => join(dir, c)).find((p) => existsSync(p));
    if (!onnxPath) {
      const onnxDir = join(dir, 'onnx');
      const any = existsSync(onnxDir) ? readdirSync(onnxDir).find((f) => f.endsWith('.onnx')) : undefined;
      if (any) onnxPath = join(onnxDir, any);
    }
    if (!onnxPath) {
      throw new ModelLoadError(`No ONNX file in ${dir}: expected onnx/model.onnx (Hugging Face layout) or model.onnx.`);
    }
  }
  checkOnnxFile(onnxPath);
  const config = readConfig(dir);
  const tokenizerPath = [join(dir, 'tokenizer.json'), join(dirname(onnxPath), 'tokenizer.json')].find((p) => existsSync(p));
  const tokenizerConfigPath = [join(dir, 'tokenizer_config.json')].find((p) => existsSync(p));
  return { dir, name: basename(dir), onnxPath, config, tokenizerPath, tokenizerConfigPath };
}

function readConfig(dir: string): ModelConfig {
  const path = join(dir, 'config.json');
  if (!existsSync(path)) return {};
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error('not a JSON object');
    }
    return parsed as ModelConfig;
  } catch (error) {
    throw new ModelLoadError(`config.json in ${dir} is not valid JSON (${(error as Error).message}).`);
  }
}

/**
 * Cheap checks before onnxruntime sees the file, so common mistakes get a message a user can
 * act on instead of "Protobuf parsing failed".
 */
export function checkOnnxFile(path: string): void {
  const size = statSync(path).size;
  const name = basename(path);
  if (size === 0) throw new ModelLoadError(`${name} is empty (0 bytes).`);
  const head = Buffer.alloc(16);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  // An ONNX ModelProto starts with field 1 (ir_version, varint): tag byte 0x08.
  if (head[0] !== 0x08) {
    const text = head.toString('latin1');
    if (text.startsWith('version https://git-lfs')) {
      throw new ModelLoadError(`${name} is a Git LFS pointer, not the model: run \`git lfs pull\` in its repository.`);
    }
    throw new ModelLoadError(`${name} is not an ONNX model (${formatBytes(size)}; it does not start with an ONNX header).`);
  }
}

export function contextLengthOf(config: ModelConfig): number | undefined {
  return config.n_positions ?? config.max_position_embeddings ?? config.n_ctx;
}
