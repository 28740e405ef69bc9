import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../../engine/errors';
import { overlayPng } from '../../engine/features/vision/overlayPng';
import { ROLLOUT_FUSIONS, type RolloutFusion } from '../../protocol/vision';
import type { CliCommand } from '../context';

/** tensorloupe rollout --model M [--fusion mean|max|min] [--discard-ratio R] FILE --out map.png */
export const rolloutCommand: CliCommand = async (ctx) => {
  if (ctx.args.length !== 1) throw new InputError('rollout takes exactly one image file.');
  if (!ctx.options.out || !ctx.options.out.toLowerCase().endsWith('.png')) throw new InputError('rollout needs --out FILE.png.');
  const fusion = (ctx.options.fusion ?? 'mean') as RolloutFusion;
  if (!ROLLOUT_FUSIONS.includes(fusion)) throw new InputError(`--fusion must be one of ${ROLLOUT_FUSIONS.join(', ')} (got "${fusion.slice(0, 40)}").`);
  const ratioText = ctx.options['discard-ratio'] ?? '0';
  const discardRatio = /^\d*\.?\d+$/.test(ratioText) ? Number(ratioText) : NaN;
  if (!(discardRatio >= 0 && discardRatio < 1)) throw new InputError(`--discard-ratio must be a number from 0 to below 1 (got "${ratioText.slice(0, 40)}").`);
  const r = await ctx.engine['vision/inspect']({ model: ctx.model, file: resolve(ctx.args[0]), topK: 1, fusion, discardRatio }, ctx.signal);
  const out = resolve(ctx.options.out);
  try {
    writeFileSync(out, overlayPng(r.view, r.rollout, r.grid.rows, r.grid.cols));
  } catch (error) {
    throw new InputError(`Could not write ${out} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
  if (ctx.options.json) {
    ctx.out(JSON.stringify({ model: r.model, fusion, discardRatio, grid: r.grid, rollout: Array.from(r.rollout), top: r.top, out }));
    return 0;
  }
  ctx.out(`${r.model}: rollout (${fusion}, discard ${discardRatio}) over ${r.grid.rows} × ${r.grid.cols} patches, top class ${r.top[0]?.label ?? '?'}; wrote ${out}`);
  return 0;
};
