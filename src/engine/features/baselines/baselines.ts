import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { KneserNey } from '../../analyses/kneserNey';
import { BagOfTokens } from '../../analyses/bagOfTokens';
import { checkpoint } from '../../cancellation';
import { requireDecoder } from '../../models/kindGuard';
import { RequestProgress } from '../../progress';
import { surprisalHandlers } from '../surprisal/surprisal';
import type { FeatureContext, FeatureHandlers } from '../context';
import type { LoadedLm } from '../../languageModels';
import { loadCorpus, type LoadedCorpus } from './corpusIndex';
import { compareWithBaselines } from './compareTokens';

/**
 * baseline/compare: index the corpus (or reuse the one kept in memory or cached on disk), score
 * the text with the model, then with each baseline, token by token.
 */
export function baselineHandlers(ctx: FeatureContext): FeatureHandlers<'baseline/compare'> {
  // the last corpus stays in memory (a second selection over the same corpus is a warm query),
  // with its models: the bag-of-tokens model keeps the co-occurrence rows it has counted
  let kept: { corpus: LoadedCorpus; bag: BagOfTokens } | undefined;
  ctx.whenIdle?.(() => { kept = undefined; });
  const surprisal = surprisalHandlers(ctx)['lm/surprisal'];
  const newlineTables = new WeakMap<LoadedLm, Uint8Array>();
  return {
    'baseline/compare': async (p, signal) => {
      const t0 = performance.now();
      const model = await ctx.models.load(p.model);
      requireDecoder(model, 'Compare with Baselines', 'the baselines predict the next token, as a decoder does');
      const progress = new RequestProgress(signal, { read: 5, tokenise: 50, index: 35, model: 10 });
      const tokenizerSha = model.folder.tokenizerPath ? createHash('sha256').update(readFileSync(model.folder.tokenizerPath)).digest('hex') : model.folder.name;
      const cacheDir = join(dirname(ctx.instrumented.cacheFolder), 'baselines');
      const corpus = await loadCorpus(p.files, model.tokenizer, tokenizerSha, cacheDir, kept?.corpus, progress, signal);
      if (kept?.corpus.key !== corpus.key) kept = { corpus, bag: new BagOfTokens(corpus.index) };
      await checkpoint(signal);
      progress.report('model', 0, 1, 'scoring the selection with the model');
      const scored = await surprisal({ model: p.model, text: p.text, maxTokens: p.maxTokens, alternatives: 1 }, signal);
      progress.report('model', 1, 1);
      let newlines = newlineTables.get(model);
      if (!newlines) {
        newlines = new Uint8Array(model.tokenizer.vocabSize);
        for (let id = 0; id < newlines.length; id++) newlines[id] = model.tokenizer.tokenText(id).split('\n').length - 1;
        newlineTables.set(model, newlines);
      }
      const all = model.tokenizer.encode(p.text);
      const compared = compareWithBaselines({
        corpus,
        kn: new KneserNey(corpus.index, p.order),
        bag: kept.bag,
        ids: all.slice(0, p.maxTokens).map((t) => t.id),
        scored: scored.tokens,
        minMatch: p.minMatch,
        newlines,
      });
      return {
        model: model.info,
        corpus: { files: corpus.files.length, tokens: corpus.index.tokens.length - corpus.files.length - 1, fromCache: corpus.fromCache, skipped: corpus.skipped },
        order: p.order,
        ...compared,
        truncated: scored.truncation !== null,
        ms: performance.now() - t0,
      };
    },
  };
}
