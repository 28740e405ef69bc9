import { resolve } from 'node:path';
import { InputError } from '../../engine/errors';
import { oneTextArgument, limitedOption, type CliCommand } from '../context';
import { imageActivationsCommand } from './imageActivations';

/** tensorloupe activations --out FILE.safetensors [--names GLOB[,GLOB]] "text" */
export const activationsCommand: CliCommand = async (ctx) => {
  if (ctx.options.image !== undefined) return imageActivationsCommand(ctx);
  const text = oneTextArgument(ctx, 'activations');
  if (!ctx.options.out) throw new InputError('activations needs --out FILE.safetensors.');
  const names = (ctx.options.names ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const r = await ctx.engine['activations/export'](
    { model: ctx.model, text, names, out: resolve(ctx.options.out), maxTokens: limitedOption(ctx.options, '--max-tokens') },
    ctx.signal,
  );
  if (ctx.options.json) {
    ctx.out(JSON.stringify(r));
    return 0;
  }
  for (const t of r.tensors) ctx.out(`${t.name.padEnd(32)} [${t.shape.join(', ')}]`);
  ctx.out(`wrote ${r.tensors.length} tensors, ${r.bytes.toLocaleString('en-US')} bytes, to ${r.out}`);
  return 0;
};
