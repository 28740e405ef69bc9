import { resolve } from 'node:path';
import { InputError } from '../../engine/errors';
import { defaultAudioModelDir } from '../../util/paths';
import { limitedOption, type CliCommand, type CliContext } from '../context';
import type { ClassScore } from '../../protocol/audio';

/** --model given: that (resolved); absent (ctx.model is then the text default): the bundled speech model. */
export function audioModelOf(ctx: CliContext): string {
  return ctx.options.model === undefined ? defaultAudioModelDir() : ctx.model;
}

const row = (t: ClassScore) => `${(t.prob * 100).toFixed(2).padStart(6)}%  ${t.label}  (id ${t.id}, logit ${t.logit.toFixed(3)})`;

/** tensorloupe classify-audio [--model M] [--top-k N] [--json] FILE */
export const classifyAudioCommand: CliCommand = async (ctx) => {
  if (ctx.args.length !== 1) throw new InputError('classify-audio takes exactly one audio file (.wav, .flac, .mp3, .ogg).');
  const r = await ctx.engine['audio/classify']({ model: audioModelOf(ctx), path: resolve(ctx.args[0]), topK: limitedOption(ctx.options, '--top-k') }, ctx.signal);
  if (ctx.options.json) {
    ctx.out(JSON.stringify(r));
    return 0;
  }
  const i = r.input;
  ctx.out(`${i.file}: ${i.format}, ${i.sampleRate} Hz, ${i.channels} channel${i.channels === 1 ? '' : 's'}, ${i.duration.toFixed(2)} s → ${r.model} (${i.modelSampleRate} Hz mono, ${i.windowSeconds} s windows)`);
  if (r.windows) ctx.out(`mean over ${r.windows.length} windows:`);
  for (const t of r.top) ctx.out(`  ${row(t)}`);
  for (const w of r.windows ?? []) ctx.out(`  ${w.start.toFixed(2).padStart(7)}-${w.end.toFixed(2).padEnd(7)} ${w.top[0] ? row(w.top[0]) : ''}`);
  return 0;
};
