import { InputError } from '../../engine/errors';
import { looksBinary } from '../../util/text';
import { visibleToken } from '../../util/format';
import { MAX_TEXT_CHARS } from '../../util/limits';
import { readBounded, readStdinBounded } from '../../util/readBounded';
import { limitedOption, type CliCommand } from '../context';

/** 8 MB: UTF-8 needs at most 4 bytes a character, so past MAX_TEXT_CHARS × 4 a file could not be read anyway. */
const MAX_TEXT_BYTES = Math.max(8 * 2 ** 20, MAX_TEXT_CHARS * 4);

/** tensorloupe surprisal <file | ->: bits per token, windowed past the context. */
export const surprisalCommand: CliCommand = async (ctx) => {
  if (ctx.args.length !== 1) throw new InputError('surprisal takes one file path (or - for standard input).');
  const path = ctx.args[0];
  const maxTokens = limitedOption(ctx.options, '--max-tokens');
  const fail = (message: string) => new InputError(message);
  const buffer = path === '-' ? await readStdinBounded(MAX_TEXT_BYTES, fail) : readBounded(path, MAX_TEXT_BYTES, fail);
  const label = path === '-' ? 'standard input' : path;
  if (looksBinary(buffer)) throw new InputError(`${label} looks like a binary file; surprisal reads text.`);
  if (buffer.length === 0) throw new InputError(`${label} is empty; surprisal needs some text.`);
  const r = await ctx.engine['lm/surprisal']({ model: ctx.model, text: buffer.toString('utf8'), maxTokens, alternatives: 5 }, ctx.signal);
  if (r.truncation) ctx.note(`${r.truncation.reason} Read more with --max-tokens (at most 32768).`);
  if (r.window) ctx.note(`longer than the context; scored in ${r.window.count} windows of ${r.window.size} tokens`);
  if (ctx.options.json) {
    ctx.out(
      JSON.stringify({
        model: r.model.name,
        objective: r.objective ?? 'causal',
        meanBits: r.meanBits,
        tokens: r.tokens.map((t) => ({ id: t.id, text: t.text, start: t.start, end: t.end, bits: t.bits, prob: t.prob, rank: t.rank })),
      }),
    );
    return 0;
  }
  // rank 1: the model's top guess; bits = −log₂ p(token | everything before it), or for a masked LM | everything else
  if (r.objective === 'pseudo-log-likelihood') ctx.note('masked LM: pseudo-log-likelihood, each token masked in turn and scored from both sides');
  ctx.out(`${'bits'.padStart(8)}  ${'rank'.padStart(5)}  token`);
  for (const t of r.tokens) ctx.out(`${t.bits.toFixed(3).padStart(8)}  ${String(t.rank).padStart(5)}  ${visibleToken(t.text)}`);
  ctx.out(`mean ${r.meanBits.toFixed(3)} bits/token over ${r.tokens.length} tokens`);
  return 0;
};
