// The bench's real-size models, built on first use and cached under
// ~/.cache/tensorloupe/bench-models/<name>-<version> (XDG_CACHE_HOME honoured). Bump VERSION when
// a builder changes so a stale model is never measured. Each folder is a normal Hugging Face
// layout: onnx/model.onnx + model.onnx_data, config.json, and for the decoders the bundled code
// LM's tokenizer with its vocabulary padded to the model's by unreachable `<|unused_N|>` entries
// (random weights need no real tokenizer; the text only has to tokenize, and the engine refuses a
// tokenizer far smaller than the model's vocabulary), for the audio encoder a
// preprocessor_config.json.
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildGpt2, GPT2_SMALL } from './buildGpt2';
import { buildLlama, LLAMA_100M } from './buildLlama';
import { buildWhisperEncoder, WHISPER_TINY } from './buildWhisperEncoder';
import { CODE_LM } from '../../test/helpers/paths';

const VERSION = 'v2';

export interface BenchModel {
  name: string;
  dir: string;
  params: number;
  /** ms spent building it in this run, 0 when it came from the cache */
  buildMs: number;
}

const specs = {
  'gpt2-small': {
    build: (dir: string) => buildGpt2(dir),
    config: { model_type: 'gpt2', architectures: ['GPT2LMHeadModel'], vocab_size: GPT2_SMALL.vocab, n_positions: GPT2_SMALL.positions, n_layer: GPT2_SMALL.layers, n_head: GPT2_SMALL.heads, n_embd: GPT2_SMALL.dModel, tie_word_embeddings: true },
  },
  'llama-100m': {
    build: (dir: string) => buildLlama(dir),
    config: { model_type: 'llama', architectures: ['LlamaForCausalLM'], vocab_size: LLAMA_100M.vocab, max_position_embeddings: LLAMA_100M.contextLength, num_hidden_layers: LLAMA_100M.layers, num_attention_heads: LLAMA_100M.heads, num_key_value_heads: LLAMA_100M.kvHeads, hidden_size: LLAMA_100M.dModel, intermediate_size: LLAMA_100M.intermediate, head_dim: LLAMA_100M.dModel / LLAMA_100M.heads, tie_word_embeddings: false },
  },
  // an audio encoder for the audio bench: no tokenizer, a preprocessor_config.json as openai/whisper-tiny's
  'whisper-tiny-encoder': {
    build: (dir: string) => buildWhisperEncoder(dir),
    config: { model_type: 'whisper', architectures: ['WhisperModel'], d_model: WHISPER_TINY.dModel, encoder_layers: WHISPER_TINY.layers, encoder_attention_heads: WHISPER_TINY.heads, encoder_ffn_dim: WHISPER_TINY.ffn, num_mel_bins: WHISPER_TINY.mels, max_source_positions: WHISPER_TINY.frames / 2 },
    preprocessor: { feature_extractor_type: 'WhisperFeatureExtractor', feature_size: WHISPER_TINY.mels, sampling_rate: 16000, hop_length: 160, n_fft: 400, chunk_length: 30, n_samples: 480000, nb_max_frames: WHISPER_TINY.frames, padding_value: 0, return_attention_mask: false },
  },
} as const;

export type BenchModelName = keyof typeof specs;

export function benchModelDir(name: BenchModelName): string {
  const cache = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(cache, 'tensorloupe', 'bench-models', `${name}-${VERSION}`);
}

/** The bundled code LM's tokenizer, its vocabulary padded to the model's by unreachable entries. */
function writeTokenizer(dir: string, vocab: number): void {
  copyFileSync(join(CODE_LM, 'tokenizer_config.json'), join(dir, 'tokenizer_config.json'));
  const tokenizer = JSON.parse(readFileSync(join(CODE_LM, 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number> } };
  const have = Object.keys(tokenizer.model.vocab).length;
  for (let id = have; id < vocab; id++) tokenizer.model.vocab[`<|unused_${id}|>`] = id;
  writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
}

export function ensureBenchModel(name: BenchModelName): BenchModel {
  const dir = benchModelDir(name);
  const done = join(dir, 'built.json');
  if (existsSync(done)) {
    const { params } = JSON.parse(readFileSync(done, 'utf8')) as { params: number };
    return { name, dir, params, buildMs: 0 };
  }
  const t0 = performance.now();
  const tmp = `${dir}.${process.pid}.tmp`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const { params } = specs[name].build(tmp);
  const spec = specs[name];
  writeFileSync(join(tmp, 'config.json'), JSON.stringify(spec.config, null, 2));
  if ('preprocessor' in spec) writeFileSync(join(tmp, 'preprocessor_config.json'), JSON.stringify(spec.preprocessor, null, 2));
  if ('vocab_size' in spec.config) writeTokenizer(tmp, spec.config.vocab_size);
  writeFileSync(join(tmp, 'built.json'), JSON.stringify({ params, version: VERSION }));
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return { name, dir, params, buildMs: performance.now() - t0 };
}

if (require.main === module) {
  for (const name of Object.keys(specs) as BenchModelName[]) {
    const m = ensureBenchModel(name);
    console.log(`${name}: ${(m.params / 1e6).toFixed(1)}M params, ${m.dir}${m.buildMs ? `, built in ${(m.buildMs / 1000).toFixed(1)} s` : ' (cached)'}`);
  }
}
