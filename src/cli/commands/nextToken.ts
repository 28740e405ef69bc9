import { limitedOption, oneTextArgument, type CliCommand } from '../context';
import { visibleToken } from '../../util/format';
import { entropyBits, softmax } from '../../util/distribution';
import type { Candidate, NextTokenResult } from '../../protocol/engine';

const row = (c: Candidate) => ({ id: c.id, text: c.text, prob: c.prob, logit: c.logit });

/** The entropy of the distribution after the last token: a causal LM's stats carry no per-position entropy unless asked. */
const lastEntropyBits = (r: NextTokenResult): number => r.stats.entropyBits?.[r.tokens.length - 1] ?? entropyBits(softmax(r.lastLogits));

/**
 * tensorloupe next-token: the top-k table (or JSON) for the token after the text; for a masked LM
 * the distribution at each [MASK] (or at the last token, masked), for a classifier its classes.
 */
export const nextTokenCommand: CliCommand = async (ctx) => {
  const topK = limitedOption(ctx.options, '--top-k');
  const maxTokens = limitedOption(ctx.options, '--max-tokens');
  const text = oneTextArgument(ctx, 'next-token');
  const r = await ctx.engine['lm/nextToken']({ model: ctx.model, text, topK, maxTokens }, ctx.signal);
  const next = r.next.slice(0, topK);
  const objective = r.objective ?? 'causal';
  if (ctx.options.json) {
    ctx.out(
      JSON.stringify({
        model: r.model.name,
        objective,
        tokens: r.tokens.map((t) => ({ id: t.id, text: t.text })),
        next: next.map(row),
        ...(r.masks ? { masks: r.masks.map((m) => ({ position: m.position, next: m.top.slice(0, topK).map(row) })), maskedSelection: r.maskedSelection } : {}),
        ...(r.labels ? { labels: r.labels } : {}),
        ...(r.tokenClasses ? { tokenClasses: r.tokenClasses.map((m) => ({ position: m.position, text: r.tokens[m.position].text, next: m.top.slice(0, topK).map(row) })) } : {}),
        ...(r.truncation ? { truncation: r.truncation } : {}),
      }),
    );
    return 0;
  }
  if (r.truncation) ctx.note(r.truncation.reason);
  const table = (cands: Candidate[], what = 'token') => {
    ctx.out(`${'rank'.padStart(4)}  ${'id'.padStart(6)}  ${'prob'.padStart(8)}  ${'logit'.padStart(8)}  ${what}`);
    for (const c of cands) {
      ctx.out(`${String(c.rank).padStart(4)}  ${String(c.id).padStart(6)}  ${c.prob.toFixed(6)}  ${c.logit.toFixed(4).padStart(8)}  ${what === 'token' ? visibleToken(c.text) : c.text}`);
    }
  };
  if (objective === 'masked' && r.masks) {
    ctx.out(`model ${r.model.name} (masked LM) · ${r.tokens.length} tokens · ${r.maskedSelection ? 'no mask in the text: its last token masked' : `${r.masks.length} mask${r.masks.length === 1 ? '' : 's'}`}`);
    for (const m of r.masks) {
      ctx.out(`position ${m.position}${r.maskedSelection ? ` (${visibleToken(r.tokens[m.position].text)} masked)` : ''} · entropy ${r.stats.entropyBits![m.position].toFixed(3)} bits`);
      table(m.top.slice(0, topK));
    }
    return 0;
  }
  if (objective === 'token-classification' && r.tokenClasses) {
    ctx.out(`model ${r.model.name} (token classifier) · ${r.tokens.length} tokens`);
    for (const m of r.tokenClasses) {
      const best = m.top[0];
      ctx.out(`${String(m.position).padStart(4)}  ${visibleToken(r.tokens[m.position].text).padEnd(16)}  ${best.text.padEnd(12)}  ${best.prob.toFixed(6)}`);
    }
    return 0;
  }
  if (objective === 'sequence-classification') {
    ctx.out(`model ${r.model.name} (sequence classifier) · ${r.tokens.length} tokens · entropy ${lastEntropyBits(r).toFixed(3)} bits`);
    table(next, 'label');
    return 0;
  }
  ctx.out(`model ${r.model.name} · ${r.tokens.length} tokens · entropy ${lastEntropyBits(r).toFixed(3)} bits`);
  table(next);
  return 0;
};
