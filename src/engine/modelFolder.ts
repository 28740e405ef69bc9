import { closeSync, existsSync, openSync, readSync, statSync, readdirSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ModelLoadError } from './errors';
import { formatBytes } from '../util/format';
import { existsOrLink, openFailure } from '../util/readBounded';
import { readModelConfig } from './modelConfig';
import { gitLfsPointerMessage, isGitLfsPointer } from '../util/gitLfs';
import { EXTERNAL_DATA_FILE } from './instrument/modelFile';
import { hasGenaiConfig, readGenaiConfig, type GenaiFolder } from './models/genaiConfig';
import type { CacheNames } from './runners/decoderFeeds';
import { pickVariant, type Variant } from './models/variants';
import { repoIdOfSnapshot } from './hub/resolveModelArgument';

/** The files of a model in the Hugging Face layout (transformers.js / Optimum). */
export interface ModelFolder {
  dir: string;
  name: string;
  onnxPath: string;
  config: ModelConfig;
  tokenizerPath?: string;
  tokenizerConfigPath?: string;
  /** KV-cache names when they are not Optimum's (onnxruntime-genai's genai_config.json) */
  cacheNames?: CacheNames;
  /** Optimum's decoder_with_past_model.onnx beside decoder_model.onnx: generation steps run on it */
  withPastPath?: string;
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

// Optimum's layouts in its own order of preference; an onnxruntime-genai folder names its file in genai_config.json
const ONNX_CANDIDATES = ['onnx/model.onnx', 'model.onnx', 'onnx/decoder_model_merged.onnx', 'onnx/decoder_model.onnx', 'decoder_model_merged.onnx', 'decoder_model.onnx'];

/**
 * Resolves a model argument (a folder in HF layout, or a bare .onnx file with tokenizer.json
 * beside it) into its files, with errors that say what is missing and where.
 */
export function resolveModelFolder(model: string, variant?: Variant): ModelFolder {
  const target = resolve(model);
  let stat: Stats;
  try {
    stat = statSync(target);
  } catch (error) {
    throw new ModelLoadError(`Model not found: ${openFailure(target, error)}.`);
  }
  let dir: string;
  let onnxPath: string | undefined;
  let genai: GenaiFolder | undefined;
  if (!stat.isDirectory()) {
    if (!target.endsWith('.onnx')) {
      throw new ModelLoadError(`${basename(target)} is not an ONNX model: pass a model folder or a .onnx file.`);
    }
    onnxPath = target;
    dir = dirname(target);
    if (basename(dir) === 'onnx' && existsSync(join(dirname(dir), 'config.json'))) dir = dirname(dir);
    genai = hasGenaiConfig(dir) ? readGenaiConfig(dir) : undefined;
  } else {
    dir = target;
    genai = hasGenaiConfig(dir) ? readGenaiConfig(dir) : undefined;
    onnxPath = genai?.onnxPath;
    // tensorloupe.variant / --variant: model_fp16.onnx, model_quantized.onnx, … (models/variants.ts); a genai folder names its own file
    if (variant && !genai) onnxPath = pickVariant(dir, basename(dir), variant);
    // a dangling link or a folder in a candidate's place is reported by checkOnnxFile, not skipped
    onnxPath ??= ONNX_CANDIDATES.map((c) => join(dir, c)).find((p) => existsOrLink(p));
    if (!onnxPath) {
      const onnxDir = join(dir, 'onnx');
      const any = existsSync(onnxDir) ? readdirSync(onnxDir).find((f) => f.endsWith('.onnx')) : undefined;
      if (any) onnxPath = join(onnxDir, any);
    }
    if (!onnxPath) {
      throw new ModelLoadError(`No ONNX file in ${dir}: expected onnx/model.onnx (Hugging Face layout), model.onnx, onnx/decoder_model_merged.onnx, onnx/decoder_model.onnx or a genai_config.json.`);
    }
  }
  checkOnnxFile(onnxPath);
  checkExternalData(onnxPath);
  // config.json wins where both say something; genai_config.json fills in what it lacks
  const config = { ...genai?.config, ...readConfig(dir) };
  const tokenizerPath = [join(dir, 'tokenizer.json'), join(dirname(onnxPath), 'tokenizer.json')].find((p) => existsOrLink(p));
  const tokenizerConfigPath = [join(dir, 'tokenizer_config.json')].find((p) => existsOrLink(p));
  const withPast = join(dirname(onnxPath), 'decoder_with_past_model.onnx');
  const withPastPath = basename(onnxPath) === 'decoder_model.onnx' && existsOrLink(withPast) ? withPast : undefined;
  if (withPastPath) checkOnnxFile(withPastPath);
  // a Hugging Face cache snapshot is named by its repo id, not by its commit hash
  return { dir, name: repoIdOfSnapshot(dir) ?? basename(dir), onnxPath, config, tokenizerPath, tokenizerConfigPath, cacheNames: genai?.cacheNames, withPastPath };
}

function readConfig(dir: string): ModelConfig {
  const path = join(dir, 'config.json');
  return existsOrLink(path) ? readModelConfig(path) : {};
}

/**
 * Cheap checks before onnxruntime sees the file, so common mistakes get a message a user can
 * act on instead of "Protobuf parsing failed".
 */
export function checkOnnxFile(path: string): void {
  let stat: Stats;
  try {
    stat = statSync(path);
  } catch (error) {
    throw new ModelLoadError(`${openFailure(path, error)}.`);
  }
  if (stat.isDirectory()) throw new ModelLoadError(`${path} is a folder, not an ONNX file.`);
  if (!stat.isFile()) throw new ModelLoadError(`${path} is not a regular file (a device or a pipe); point at an .onnx file.`);
  const size = stat.size;
  const name = basename(path);
  if (size === 0) throw new ModelLoadError(`${name} is empty (0 bytes).`);
  const head = Buffer.alloc(64);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new ModelLoadError(`${openFailure(path, error)}.`);
  }
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  // An ONNX ModelProto starts with field 1 (ir_version, varint): tag byte 0x08.
  if (head[0] !== 0x08) {
    if (isGitLfsPointer(path)) throw new ModelLoadError(gitLfsPointerMessage(name, 'the model'));
    throw new ModelLoadError(`${name} is not an ONNX model (${formatBytes(size)}; it does not start with an ONNX header).`);
  }
}

/** model.onnx_data / model.onnx.data beside the graph: a pointer there fails in onnxruntime as "out of bounds" */
function checkExternalData(onnxPath: string): void {
  const dir = dirname(onnxPath);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const f of names) {
    if (EXTERNAL_DATA_FILE.test(f) && isGitLfsPointer(join(dir, f))) throw new ModelLoadError(gitLfsPointerMessage(f, 'the model\'s weights'));
  }
}

export function contextLengthOf(config: ModelConfig): number | undefined {
  return config.n_positions ?? config.max_position_embeddings ?? config.n_ctx;
}
