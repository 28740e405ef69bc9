import { resolve } from 'node:path';
import { InputError } from '../../engine/errors';
import { limitedOption, type CliCommand } from '../context';

/** tensorloupe classify-image --model M [--top-k N] [--json] FILE */
export const classifyImageCommand: CliCommand = async (ctx) => {
  if (ctx.args.length !== 1) throw new InputError('classify-image takes exactly one image file.');
  const r = await ctx.engine['vision/classify']({ model: ctx.model, file: resolve(ctx.args[0]), topK: limitedOption(ctx.options, '--top-k') }, ctx.signal);
  if (ctx.options.json) {
    ctx.out(JSON.stringify({ model: r.model, input: { width: r.input.width, height: r.input.height }, top: r.top.map((t) => ({ id: t.id, label: t.label, prob: t.prob, logit: t.logit })) }));
    return 0;
  }
  ctx.out(`${r.model}: ${ctx.args[0]} (${r.input.width} × ${r.input.height})`);
  for (const t of r.top) ctx.out(`${(t.prob * 100).toFixed(2).padStart(6)} %  ${t.label.padEnd(16)} #${t.id}  logit ${t.logit.toFixed(4)}`);
  return 0;
};
