import { resolve } from 'node:path';
import { InputError } from '../../engine/errors';
import type { CliCommand } from '../context';

/** tensorloupe activations --image FILE [--model M] [--names GLOB[,GLOB]] --out FILE.safetensors */
export const imageActivationsCommand: CliCommand = async (ctx) => {
  if (ctx.args.length > 0) throw new InputError('activations --image takes no text argument.');
  if (!ctx.options.out) throw new InputError('activations needs --out FILE.safetensors.');
  const names = (ctx.options.names ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const r = await ctx.engine['vision/activations']({ model: ctx.model, file: resolve(ctx.options.image ?? ''), names, out: resolve(ctx.options.out) }, ctx.signal);
  if (ctx.options.json) {
    ctx.out(JSON.stringify(r));
    return 0;
  }
  for (const t of r.tensors) ctx.out(`${t.name.padEnd(32)} [${t.shape.join(', ')}]`);
  ctx.out(`wrote ${r.tensors.length} tensors, ${r.bytes.toLocaleString('en-US')} bytes, to ${r.out}`);
  return 0;
};
