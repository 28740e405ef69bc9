import { performance } from 'node:perf_hooks';
import { contextLengthOf, resolveModelFolder, type ModelFolder } from './modelFolder';
import { positionTableRows } from './models/graphContext';
import { createSession, SessionCache, type EngineOptions } from './sessions';
import { createTextRunner, type TextRunner } from './runners/textRunner';
import { DecoderLm } from './runners/decoderLm';
import { TextTokenizer } from './preprocess/textTokenizer';
import { ModelLoadError } from './errors';
import { nonTextKind, notATextModelError, type TextKind } from './models/modelKind';
import type { ModelInfo } from '../protocol/engine';

/** A text model ready to run: its session, tokenizer and what the UI shows about it. */
export interface LoadedLm {
  folder: ModelFolder;
  /** the runner of its kind (decoder LM, masked LM, classifier): features switch on lm.kind */
  lm: TextRunner;
  kind: TextKind;
  tokenizer: TextTokenizer;
  info: ModelInfo;
  /** token text per id, filled lazily (decoding is not free and panels ask for the same ids) */
  tokenTextCache: Map<number, string>;
}

/** Loads and caches language models; one instance per engine. */
export class LanguageModels {
  private readonly cache = new SessionCache<LoadedLm>(3);
  private options: EngineOptions;

  constructor(options: EngineOptions) {
    this.options = options;
  }

  configure(options: EngineOptions): void {
    this.options = options;
  }

  /** the provider setting and threads every session is opened with (Model Info opens one the same way) */
  get engineOptions(): EngineOptions {
    return this.options;
  }

  /** intra-op threads for sessions beside the models' own (0: onnxruntime decides) */
  get threads(): number {
    return this.options.threads;
  }

  /** Releases every loaded model's session (the engine is idle); the next request loads again. */
  releaseAll(): Promise<void> {
    return this.cache.releaseAll((m) => m.lm.release());
  }

  load(model: string): Promise<LoadedLm> {
    const folder = resolveModelFolder(model, this.options.variant);
    const key = `${folder.onnxPath}|${this.options.provider}|${this.options.threads}`;
    return this.cache.get(key, () => this.create(folder));
  }

  private async create(folder: ModelFolder): Promise<LoadedLm> {
    // a vision or audio model would fail below for a missing tokenizer.json: say what it is instead
    const media = nonTextKind(folder);
    if (media) throw notATextModelError(folder.name, media);
    if (!folder.tokenizerPath) {
      throw new ModelLoadError(`${folder.name} has no tokenizer.json (looked in ${folder.dir}); text models need one.`);
    }
    const t0 = performance.now();
    const tokenizer = new TextTokenizer(folder.tokenizerPath, folder.tokenizerConfigPath);
    const loaded = await createSession(folder, this.options);
    // no config.json context (a bare .onnx): the graph's position table, when it has one, bounds the input
    const contextLength = contextLengthOf(folder.config) === undefined ? await positionTableRows(folder.onnxPath) : undefined;
    const lmOptions = { tokenizerVocab: tokenizer.vocabSize, cacheNames: folder.cacheNames, contextLength };
    const { runner: lm, kind } = createTextRunner(loaded.session, folder, tokenizer, lmOptions);
    if (folder.withPastPath && lm.kind === 'decoder-lm') {
      // Optimum's older pair: full-sequence features run decoder_model.onnx, generation steps its with-past twin
      const twin = await createSession(folder, this.options, folder.withPastPath);
      lm.attachWithPast(new DecoderLm(twin.session, folder, lmOptions));
    }
    checkVocabularies(folder, lm.vocab, tokenizer.vocabSize);
    const info: ModelInfo = {
      dir: folder.dir,
      name: folder.name,
      modelType: folder.config.model_type ?? 'unknown',
      kind: kind.kind,
      // config.json, else the logits' shape, else the tokenizer: induction draws its tokens from it
      vocabSize: lm.vocab ?? 0,
      contextLength: lm.contextLength,
      nLayers: lm.nLayers,
      provider: loaded.provider,
      providerNote: loaded.providerNote,
      providerFallback: loaded.providerFallback,
      dtype: lm.dtype,
      loadMs: performance.now() - t0,
    };
    return { folder, lm, kind, tokenizer, info, tokenTextCache: new Map() };
  }
}

export function tokenText(model: LoadedLm, id: number): string {
  let text = model.tokenTextCache.get(id);
  if (text === undefined) {
    text = model.tokenizer.tokenText(id);
    model.tokenTextCache.set(id, text);
  }
  return text;
}

/**
 * A tokenizer far smaller than the model's vocabulary belongs to another model: every prediction
 * past its ids decodes to empty text. Exports pad the vocabulary (GPT-2: 50,257 → 50,304) and
 * some tokenizers add a few tokens the model lacks; only a gross mismatch is refused here, and
 * ids past the model are refused per run (DecoderLm.checkIds).
 */
export function checkVocabularies(folder: ModelFolder, modelVocab: number | undefined, tokenizerVocab: number): void {
  if (modelVocab === undefined || tokenizerVocab <= 0) return;
  if (modelVocab > 2 * tokenizerVocab && modelVocab - tokenizerVocab > 1024) {
    throw new ModelLoadError(
      `${folder.name} predicts ${modelVocab.toLocaleString('en-US')} tokens but ${folder.tokenizerPath ?? 'its tokenizer.json'} has ${tokenizerVocab.toLocaleString('en-US')}: the tokenizer belongs to another model.`,
    );
  }
}
