import { InputError } from '../../engine/errors';
import { limitedOption, type CliCommand } from '../context';
import type { NeighbourToken } from '../../protocol/projector';

/** `rank  token  id  cosine` rows, the token quoted so spaces and newlines show */
export function neighbourRows(rows: NeighbourToken[]): string[] {
  return rows.map((n) => `${String(n.rank).padStart(3)}  ${JSON.stringify(n.text).padEnd(20)} ${String(n.id).padStart(6)}  ${n.cosine.toFixed(4)}`);
}

/** tensorloupe neighbours [--k 10] TOKEN */
export const neighboursCommand: CliCommand = async (ctx) => {
  if (ctx.args.length !== 1) throw new InputError('neighbours takes exactly one TOKEN (quote it).');
  const r = await ctx.engine['projector/neighbours']({ model: ctx.model, token: ctx.args[0], k: limitedOption(ctx.options, '--k', 10) }, ctx.signal);
  if (ctx.options.json) {
    ctx.out(JSON.stringify(r));
    return 0;
  }
  ctx.out(`nearest to ${JSON.stringify(r.query.text)} (id ${r.query.id}) by cosine in ${r.model}'s input embedding:`);
  for (const line of neighbourRows(r.neighbours)) ctx.out(line);
  return 0;
};
