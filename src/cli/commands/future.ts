import { InputError } from '../../engine/errors';
import { MAX_FUTURE_K } from '../../engine/features/futureTokens/validateFutureParams';
import { expandGlob } from '../expandGlob';
import { intOption, limitedOption, type CliCommand } from '../context';
import type { FutureTrainResult } from '../../protocol/futureTokens';

/** tensorloupe future --model M --corpus GLOB [--k 4] [--seed N] [--json] */
export const futureCommand: CliCommand = async (ctx) => {
  if (ctx.args.length > 0) throw new InputError(`future takes no text argument (got "${ctx.args[0].slice(0, 40)}"); name the files with --corpus GLOB.`);
  if (!ctx.options.corpus) throw new InputError('future needs --corpus GLOB (the files the probes train and are scored on, e.g. "src/**/*.ts").');
  const k = ctx.options.k === undefined ? 4 : intOption(ctx.options.k, '--k', 1, MAX_FUTURE_K);
  const files = expandGlob(ctx.options.corpus, process.cwd());
  if (files.length === 0) throw new InputError(`--corpus ${ctx.options.corpus.slice(0, 200)} matched no files.`);
  const r = await ctx.engine['future/train']({ model: ctx.model, files, k, seed: limitedOption(ctx.options, '--seed', 0) }, ctx.signal);
  if (ctx.options.json) {
    ctx.out(JSON.stringify({ model: r.model, layers: r.layers.map((c) => ({ layer: c.layer, k: c.k, top1: c.top1, top5: c.top5, ngramTop1: c.ngramTop1 })) }));
    return 0;
  }
  printGrid(r, ctx.out);
  return 0;
};

function printGrid(r: FutureTrainResult, out: (text: string) => void): void {
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  const K = r.bestLayer.length;
  out(`${r.model} · files train ${r.files.train} / validation ${r.files.validation} / test ${r.files.test}${r.files.leftOut ? ` (${r.files.leftOut} left out: past 200,000 tokens)` : ''} · ${r.trainPositions.toLocaleString('en-US')} training positions, ${r.testPositions.toLocaleString('en-US')} test positions`);
  out(`probe classes: the ${r.classes - 1} most frequent targets + other (covering ${pct(r.coverage)} of test targets)`);
  out(`top-1 / top-5 of the probe, n-gram top-1 on the same context, by layer (rows) and k (columns)`);
  out(['layer'.padEnd(6), ...Array.from({ length: K }, (_, i) => `t+${i + 1}`.padEnd(22))].join(''));
  for (let layer = 0; layer <= r.nLayers; layer++) {
    const cells = r.layers.filter((c) => c.layer === layer);
    out([String(layer).padEnd(6), ...cells.map((c) => `${pct(c.top1)}/${pct(c.top5)} ng ${pct(c.ngramTop1)}${r.bestLayer[c.k - 1] === layer ? '*' : ''}`.padEnd(22))].join(''));
  }
  out('* the best layer for that k (by validation top-1)');
}
