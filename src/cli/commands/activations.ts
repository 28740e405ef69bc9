import { resolve } from 'node:path';
import { InputError } from '../../engine/errors';
import { oneTextArgument, limitedOption, type CliCommand, type CliContext } from '../context';
import { imageActivationsCommand } from './imageActivations';
import { audioModelOf } from './classifyAudio';

/** tensorloupe activations --out FILE.safetensors [--names GLOB[,GLOB]] "text" (or --image FILE, --audio FILE) */
export const activationsCommand: CliCommand = async (ctx) => {
  if (ctx.options.image !== undefined && ctx.options.audio !== undefined) throw new InputError('--image and --audio: give one of them.');
  if (ctx.options.image !== undefined) return imageActivationsCommand(ctx);
  if (ctx.options.audio !== undefined) return audioActivations(ctx);
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

/** tensorloupe activations --audio FILE --out FILE.safetensors [--names GLOB[,GLOB]]: every window of the clip as the batch */
async function audioActivations(ctx: CliContext): Promise<number> {
  if (ctx.args.length) throw new InputError('activations --audio FILE takes no text argument.');
  if (!ctx.options.out) throw new InputError('activations needs --out FILE.safetensors.');
  const names = (ctx.options.names ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const r = await ctx.engine['audio/activations']({ model: audioModelOf(ctx), path: resolve(ctx.options.audio ?? ''), names, out: resolve(ctx.options.out) }, ctx.signal);
  if (ctx.options.json) {
    ctx.out(JSON.stringify(r));
    return 0;
  }
  for (const t of r.tensors) ctx.out(`${t.name.padEnd(32)} [${t.shape.join(', ')}]`);
  ctx.out(`wrote ${r.tensors.length} tensors of ${r.windows} window${r.windows === 1 ? '' : 's'}, ${r.bytes.toLocaleString('en-US')} bytes, to ${r.out}`);
  return 0;
}
