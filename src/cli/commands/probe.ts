import { resolve } from 'node:path';
import { InputError } from '../../engine/errors';
import { isBuiltinTask } from '../../engine/features/probes/builtinTasks';
import { expandGlob } from '../expandGlob';
import { intOption, limitedOption, type CliCommand } from '../context';
import type { ProbePool, ProbeTrainResult } from '../../protocol/probes';

/** tensorloupe probe --dataset F.jsonl|F.csv|builtin:* [--files GLOB] [--layer all|N] [--pool mean|last] [--seed N] [--json] */
export const probeCommand: CliCommand = async (ctx) => {
  if (ctx.args.length > 0) throw new InputError(`probe takes no text argument (got "${ctx.args[0].slice(0, 40)}"); name the data with --dataset.`);
  const dataset = ctx.options.dataset;
  if (!dataset) throw new InputError('probe needs --dataset F.jsonl|F.csv|builtin:category|builtin:in-string|builtin:depth.');
  const builtin = dataset.startsWith('builtin:');
  if (builtin && !isBuiltinTask(dataset)) throw new InputError(`--dataset ${dataset} is not a builtin task; there are builtin:category, builtin:in-string and builtin:depth.`);
  if (builtin && !ctx.options.files) throw new InputError(`${dataset} needs --files GLOB (TypeScript or JavaScript files, e.g. "src/**/*.ts").`);
  if (!builtin && ctx.options.files) throw new InputError('--files is for the builtin tasks; a dataset file holds its own texts.');
  const layerText = ctx.options.layer ?? 'all';
  const layer = layerText === 'all' ? 'all' : intOption(layerText, '--layer', 0, 10_000);
  const pool = ctx.options.pool ?? 'mean';
  if (pool !== 'mean' && pool !== 'last') throw new InputError(`--pool must be mean or last (got "${pool.slice(0, 40)}").`);
  if (ctx.options.pool && builtin) throw new InputError('--pool is for sequence-level datasets; the builtin tasks label tokens.');
  const files = ctx.options.files ? expandGlob(ctx.options.files, process.cwd()) : [];
  const r = await ctx.engine['probe/train'](
    { model: ctx.model, dataset: builtin ? dataset : resolve(dataset), files, layer, pool: pool as ProbePool, seed: limitedOption(ctx.options, '--seed', 0) },
    ctx.signal,
  );
  if (ctx.options.json) {
    ctx.out(JSON.stringify(jsonOf(r, dataset)));
    return 0;
  }
  printTable(r, dataset, ctx.out);
  return 0;
};

/** Exactly the fields the CLI promises, in order. */
function jsonOf(r: ProbeTrainResult, dataset: string) {
  return {
    model: r.model,
    dataset,
    task: r.task,
    labels: r.labels,
    counts: r.counts,
    majorityBaseline: r.majorityBaseline,
    layers: r.layers.map((l) => ({ layer: l.layer, hook: l.hook, accuracy: l.accuracy, controlAccuracy: l.controlAccuracy, selectivity: l.selectivity, macroF1: l.macroF1 })),
  };
}

function printTable(r: ProbeTrainResult, dataset: string, out: (text: string) => void): void {
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`.padStart(7);
  out(`${r.model} · ${dataset} · ${r.task}-level · ${r.texts} texts · examples train ${r.split.train} / validation ${r.split.validation} / test ${r.split.test}`);
  out(`labels: ${r.labels.map((l) => `${l} ${r.counts[l]}`).join(', ')}`);
  out(`majority baseline ${pct(r.majorityBaseline).trim()}`);
  out(`${'layer'.padEnd(6)}${'hook'.padEnd(26)}${'accuracy'.padStart(9)}${'control'.padStart(9)}${'selectivity'.padStart(12)}${'macro-F1'.padStart(9)}`);
  for (const l of r.layers) {
    out(`${String(l.layer).padEnd(6)}${l.hook.padEnd(26)}${pct(l.accuracy).padStart(9)}${pct(l.controlAccuracy).padStart(9)}${pct(l.selectivity).padStart(12)}${l.macroF1.toFixed(3).padStart(9)}`);
  }
}
