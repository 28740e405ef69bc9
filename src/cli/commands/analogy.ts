import { InputError } from '../../engine/errors';
import { limitedOption, type CliCommand } from '../context';
import { neighbourRows } from './neighbours';

/** tensorloupe analogy [--k 10] A B C: the tokens nearest a − b + c, the three inputs excluded */
export const analogyCommand: CliCommand = async (ctx) => {
  if (ctx.args.length !== 3) throw new InputError(`analogy takes exactly three tokens A B C (got ${ctx.args.length}).`);
  const [a, b, c] = ctx.args;
  const r = await ctx.engine['projector/analogy']({ model: ctx.model, a, b, c, k: limitedOption(ctx.options, '--k', 10) }, ctx.signal);
  if (ctx.options.json) {
    ctx.out(JSON.stringify(r));
    return 0;
  }
  const [ia, ib, ic] = r.inputs.map((t) => `${JSON.stringify(t.text)} (${t.id})`);
  ctx.out(`${ia} − ${ib} + ${ic}, inputs excluded:`);
  for (const line of neighbourRows(r.answers)) ctx.out(line);
  return 0;
};
