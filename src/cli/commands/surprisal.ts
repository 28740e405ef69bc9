import { readFileSync } from 'node:fs';
import { InputError } from '../../engine/errors';
import { looksBinary } from '../../util/text';
import { visibleToken } from '../../util/format';
import { positiveInt, type CliCommand } from '../context';

/** tensorloupe surprisal <file | ->: bits per token, windowed past the context. */
export const surprisalCommand: CliCommand = async (ctx) => {
  if (ctx.args.length !== 1) throw new InputError('surprisal takes one file path (or - for standard input).');
  const path = ctx.args[0];
  const maxTokens = positiveInt(ctx.options['max-tokens'], '--max-tokens');
  const buffer = path === '-' ? readFileSync(0) : readFileSync(path);
  if (looksBinary(buffer)) throw new InputError(`${path} looks like a binary file; surprisal reads text.`);
  const r = await ctx.engine['lm/surprisal']({ model: ctx.model, text: buffer.toString('utf8'), maxTokens, alternatives: 5 }, ctx.signal);
  if (r.truncation) ctx.note(r.truncation.reason);
  if (r.window) ctx.note(`longer than the context; scored in ${r.window.count} windows of ${r.window.size} tokens`);
  if (ctx.options.json) {
    ctx.out(
      JSON.stringify({
        model: r.model.name,
        meanBits: r.meanBits,
        tokens: r.tokens.map((t) => ({ id: t.id, text: t.text, start: t.start, end: t.end, bits: t.bits, prob: t.prob, rank: t.rank })),
      }),
    );
    return 0;
  }
  for (const t of r.tokens) ctx.out(`${t.bits.toFixed(3).padStart(8)}  ${String(t.rank).padStart(5)}  ${visibleToken(t.text)}`);
  ctx.out(`mean ${r.meanBits.toFixed(3)} bits/token over ${r.tokens.length} tokens`);
  return 0;
};
