import { resolve } from 'node:path';
import { InputError } from '../../engine/errors';
import { oneTextArgument, limitedOption, type CliCommand, type CliContext } from '../context';
import { audioModelOf } from './classifyAudio';

interface Written {
  tensors: { name: string; shape: number[] }[];
  bytes: number;
  out: string;
}

/** tensorloupe activations --out FILE.safetensors [--names GLOB[,GLOB]] "text" (or --image FILE, --audio FILE) */
export const activationsCommand: CliCommand = async (ctx) => {
  if (ctx.options.image !== undefined && ctx.options.audio !== undefined) throw new InputError('--image and --audio: give one of them.');
  if (ctx.options.image !== undefined) return imageActivations(ctx);
  if (ctx.options.audio !== undefined) return audioActivations(ctx);
  const text = oneTextArgument(ctx, 'activations');
  const r = await ctx.engine['activations/export'](
    { model: ctx.model, text, names: namesOption(ctx), out: outOption(ctx), maxTokens: limitedOption(ctx.options, '--max-tokens') },
    ctx.signal,
  );
  return report(ctx, r);
};

/** --image FILE [--model M]: an image model's activations (the default model is the bundled glyph ViT) */
async function imageActivations(ctx: CliContext): Promise<number> {
  if (ctx.args.length > 0) throw new InputError('activations --image takes no text argument.');
  const out = outOption(ctx);
  const r = await ctx.engine['vision/activations']({ model: ctx.model, file: resolve(ctx.options.image ?? ''), names: namesOption(ctx), out }, ctx.signal);
  return report(ctx, r);
}

/** --audio FILE: every window of the clip as the batch */
async function audioActivations(ctx: CliContext): Promise<number> {
  if (ctx.args.length) throw new InputError('activations --audio FILE takes no text argument.');
  const out = outOption(ctx);
  const r = await ctx.engine['audio/activations']({ model: audioModelOf(ctx), path: resolve(ctx.options.audio ?? ''), names: namesOption(ctx), out }, ctx.signal);
  return report(ctx, r, `of ${r.windows} window${r.windows === 1 ? '' : 's'}`);
}

function outOption(ctx: CliContext): string {
  if (!ctx.options.out) throw new InputError('activations needs --out FILE.safetensors.');
  return resolve(ctx.options.out);
}

/** --names GLOB[,GLOB]; none: every hook */
function namesOption(ctx: CliContext): string[] {
  return (ctx.options.names ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/** --json: the engine's result as it is; otherwise one line per tensor and what was written where */
function report(ctx: CliContext, r: Written, detail = ''): number {
  if (ctx.options.json) {
    ctx.out(JSON.stringify(r));
    return 0;
  }
  for (const t of r.tensors) ctx.out(`${t.name.padEnd(32)} [${t.shape.join(', ')}]`);
  ctx.out(`wrote ${r.tensors.length} tensors${detail ? ` ${detail}` : ''}, ${r.bytes.toLocaleString('en-US')} bytes, to ${r.out}`);
  return 0;
}
