import { resolve } from 'node:path';
import { InputError } from '../../engine/errors';
import { looksBinary } from '../../util/text';
import { visibleToken } from '../../util/format';
import { readBounded, readStdinBounded } from '../../util/readBounded';
import { expandGlob } from '../expandGlob';
import { limitedOption, type CliCommand } from '../context';

const MAX_TEXT_BYTES = 8 * 2 ** 20;
export const DEFAULT_ORDER = 3;
export const DEFAULT_MIN_MATCH = 16;

/** tensorloupe baseline --corpus GLOB [--order N] [--json] <file | ->: the model beside lookups over the corpus. */
export const baselineCommand: CliCommand = async (ctx) => {
  if (ctx.args.length !== 1) throw new InputError('baseline takes one file path (or - for standard input).');
  if (!ctx.options.corpus) throw new InputError('baseline needs --corpus GLOB: the files to build the baselines from (quote it: "src/**/*.ts").');
  const files = expandGlob(ctx.options.corpus, process.cwd()).map((f) => resolve(f));
  if (files.length === 0) throw new InputError(`--corpus "${ctx.options.corpus}" matched no files.`);
  const path = ctx.args[0];
  const fail = (message: string) => new InputError(message);
  const buffer = path === '-' ? await readStdinBounded(MAX_TEXT_BYTES, fail) : readBounded(path, MAX_TEXT_BYTES, fail);
  const label = path === '-' ? 'standard input' : path;
  if (looksBinary(buffer)) throw new InputError(`${label} looks like a binary file; baseline reads text.`);
  if (buffer.length === 0) throw new InputError(`${label} is empty; baseline needs some text.`);
  const r = await ctx.engine['baseline/compare'](
    {
      model: ctx.model,
      files,
      text: buffer.toString('utf8'),
      order: limitedOption(ctx.options, '--order', DEFAULT_ORDER),
      maxTokens: limitedOption(ctx.options, '--max-tokens'),
      minMatch: limitedOption(ctx.options, '--min-match', DEFAULT_MIN_MATCH),
    },
    ctx.signal,
  );
  if (r.truncated) ctx.note(`scored the first ${r.tokens.length + 1} tokens; read more with --max-tokens (at most 32768)`);
  if (r.corpus.skipped) ctx.note(`${r.corpus.skipped} corpus files skipped (binary, unreadable or over 4 MiB)`);
  const s = r.summary;
  if (ctx.options.json) {
    ctx.out(
      JSON.stringify({
        model: r.model.name,
        corpus: { files: r.corpus.files, tokens: r.corpus.tokens },
        tokens: r.tokens.map((t) => ({ id: t.id, text: t.text, modelBits: t.modelBits, ngramBits: t.ngramBits, bagBits: t.bagBits, longestMatch: t.longestMatch })),
        summary: { modelBits: s.modelBits, ngramBits: s.ngramBits, bagBits: s.bagBits, top1Agreement: s.top1Agreement, modelBeatsNgram: s.modelBeatsNgram },
      }),
    );
    return 0;
  }
  ctx.out(`corpus: ${r.corpus.files} files, ${r.corpus.tokens.toLocaleString('en-US')} tokens${r.corpus.fromCache ? ' (index from cache)' : ''}; ${r.order}-gram Kneser–Ney`);
  ctx.out(`${'model'.padStart(8)}  ${'n-gram'.padStart(8)}  ${'bag'.padStart(8)}  ${'match'.padStart(6)}  token`);
  for (const t of r.tokens) {
    ctx.out(`${t.modelBits.toFixed(3).padStart(8)}  ${t.ngramBits.toFixed(3).padStart(8)}  ${t.bagBits.toFixed(3).padStart(8)}  ${String(t.longestMatch).padStart(6)}  ${visibleToken(t.text)}`);
  }
  ctx.out(`mean bits/token: model ${s.modelBits.toFixed(3)}, n-gram ${s.ngramBits.toFixed(3)}, bag-of-tokens ${s.bagBits.toFixed(3)}`);
  ctx.out(`top-1 agreement model/n-gram ${(100 * s.top1Agreement).toFixed(1)} %; model beats the n-gram by ≥ 1 bit on ${(100 * s.modelBeatsNgram).toFixed(1)} % of tokens`);
  for (const m of r.matches) ctx.out(`likely memorised: ${m.length} tokens verbatim (tokens ${m.first}–${m.last}) at ${m.file}:${m.line}`);
  return 0;
};
