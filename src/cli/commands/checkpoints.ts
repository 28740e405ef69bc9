import { InputError } from '../../engine/errors';
import { limitedOption, type CliCommand } from '../context';

/** tensorloupe checkpoints --model DIR [--json]: DIR/checkpoints/step-N/ compared (induction, loss per copy, CKA to the final one) */
export const checkpointsCommand: CliCommand = async (ctx) => {
  if (ctx.args.length > 0) throw new InputError(`checkpoints takes no text argument (got "${ctx.args[0].slice(0, 40)}"); name the model folder with --model DIR.`);
  const r = await ctx.engine['checkpoints/compare']({ model: ctx.model, seed: limitedOption(ctx.options, '--seed', 0) }, ctx.signal);
  if (ctx.options.json) {
    ctx.out(JSON.stringify({ checkpoints: r.checkpoints.map((c) => ({ step: c.step, inductionBest: c.inductionBest, lossFirstCopy: c.lossFirstCopy, lossSecondCopy: c.lossSecondCopy, ckaToFinal: c.ckaToFinal })) }));
    return 0;
  }
  const f = (v: number) => v.toFixed(3);
  ctx.out(`${r.model} · ${r.checkpoints.length} checkpoints · repeated random tokens: BOS + ${r.seqLen} tokens twice · CKA to the final checkpoint on ${r.ckaInput}`);
  ctx.out(`${'step'.padStart(8)}  ${'induction'.padStart(9)}  ${'best head'.padEnd(9)}  ${'loss 1st'.padStart(8)}  ${'loss 2nd'.padStart(8)}  CKA to final by layer (0 = embedding)`);
  for (const c of r.checkpoints) {
    ctx.out(`${String(c.step).padStart(8)}  ${f(c.inductionBest).padStart(9)}  ${`L${c.bestHead.layer}H${c.bestHead.head}`.padEnd(9)}  ${f(c.lossFirstCopy).padStart(8)}  ${f(c.lossSecondCopy).padStart(8)}  ${c.ckaToFinal.map(f).join(' ')}`);
  }
  return 0;
};
