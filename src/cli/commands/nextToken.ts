import { limitedOption, oneTextArgument, type CliCommand } from '../context';
import { visibleToken } from '../../util/format';

/** tensorloupe next-token: the top-k table (or JSON) for the token after the text. */
export const nextTokenCommand: CliCommand = async (ctx) => {
  const topK = limitedOption(ctx.options, '--top-k');
  const maxTokens = limitedOption(ctx.options, '--max-tokens');
  const text = oneTextArgument(ctx, 'next-token');
  const r = await ctx.engine['lm/nextToken']({ model: ctx.model, text, topK, maxTokens }, ctx.signal);
  const next = r.next.slice(0, topK);
  if (ctx.options.json) {
    ctx.out(
      JSON.stringify({
        model: r.model.name,
        tokens: r.tokens.map((t) => ({ id: t.id, text: t.text })),
        next: next.map((c) => ({ id: c.id, text: c.text, prob: c.prob, logit: c.logit })),
        ...(r.truncation ? { truncation: r.truncation } : {}),
      }),
    );
    return 0;
  }
  if (r.truncation) ctx.note(r.truncation.reason);
  ctx.out(`model ${r.model.name} · ${r.tokens.length} tokens · entropy ${r.stats.entropyBits[r.tokens.length - 1].toFixed(3)} bits`);
  ctx.out(`${'rank'.padStart(4)}  ${'id'.padStart(6)}  ${'prob'.padStart(8)}  ${'logit'.padStart(8)}  token`);
  for (const c of next) {
    ctx.out(`${String(c.rank).padStart(4)}  ${String(c.id).padStart(6)}  ${c.prob.toFixed(6)}  ${c.logit.toFixed(4).padStart(8)}  ${visibleToken(c.text)}`);
  }
  return 0;
};
