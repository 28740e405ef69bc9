import { limitedOption, type CliCommand } from '../context';
import { InputError } from '../../engine/errors';

/** tensorloupe induction [--seq-len N] [--batch N] [--seed N]: per-head scores on repeated random tokens. */
export const inductionCommand: CliCommand = async (ctx) => {
  if (ctx.args.length) throw new InputError('induction takes no text: it draws its own random tokens (see --seq-len, --batch, --seed).');
  const seqLen = limitedOption(ctx.options, '--seq-len', 50);
  const batch = limitedOption(ctx.options, '--batch', 4);
  const seed = limitedOption(ctx.options, '--seed', 0);
  const r = await ctx.engine['induction/scan']({ model: ctx.model, seqLen, batch, seed }, ctx.signal);
  const heads = Array.from({ length: r.nLayers * r.nHeads }, (_, i) => ({
    layer: Math.floor(i / r.nHeads),
    head: i % r.nHeads,
    induction: r.induction[i],
    prefixMatching: r.prefixMatching[i],
    previousToken: r.previousToken?.[i] ?? null,
  }));
  if (ctx.options.json) {
    ctx.out(JSON.stringify({ model: r.model.name, seqLen, batch, seed, heads, lossFirstHalf: r.lossFirstHalf, lossSecondHalf: r.lossSecondHalf, best: r.best, ms: r.ms }));
    return 0;
  }
  ctx.out(`model ${r.model.name} · BOS + ${seqLen} random tokens × 2 · batch ${batch} · seed ${seed} · ${r.ms.toFixed(0)} ms`);
  ctx.out(`loss (nats): first copy ${r.lossFirstHalf.toFixed(3)} · second copy ${r.lossSecondHalf.toFixed(3)} (each copy's first token left out)`);
  ctx.out(`best induction head: L${r.best.layer}H${r.best.head} (${r.best.score.toFixed(3)})`);
  ctx.out('');
  ctx.out(`${'layer'.padStart(5)} ${'head'.padStart(4)}  ${'induction'.padStart(9)}  ${'duplicate'.padStart(9)}  ${'prev-token'.padStart(10)}`);
  for (const h of heads) {
    const mark = h.layer === r.best.layer && h.head === r.best.head ? '  ◀ best' : '';
    ctx.out(`${String(h.layer).padStart(5)} ${String(h.head).padStart(4)}  ${h.induction.toFixed(3).padStart(9)}  ${h.prefixMatching.toFixed(3).padStart(9)}  ${(h.previousToken ?? NaN).toFixed(3).padStart(10)}${mark}`);
  }
  ctx.out('');
  ctx.out('induction: attention from the second copy to the token after the earlier occurrence; duplicate: to the earlier occurrence itself.');
  return 0;
};
