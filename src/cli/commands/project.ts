import { readFileSync, writeFileSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../../engine/errors';
import { limitedOption, shorten, type CliCommand } from '../context';
import { readGlob } from '../fileGlob';
import type { ProjectorSource, ProjectorText } from '../../protocol/projector';

const SOURCES = ['embeddings', 'unembedding', 'resid'] as const;
const METHODS = ['pca', 'umap'] as const;

/** tensorloupe project --source embeddings|unembedding|resid [--layer L] [--files GLOB] [--text FILE] --method pca|umap [--seed N] --out points.json */
export const projectCommand: CliCommand = async (ctx) => {
  const o = ctx.options;
  if (ctx.args.length > 0) throw new InputError(`project takes no text argument (got "${shorten(ctx.args[0])}"); give --text FILE or --files GLOB.`);
  const source = o.source as ProjectorSource | undefined;
  if (!source || !(SOURCES as readonly string[]).includes(source)) throw new InputError(`--source must be one of ${SOURCES.join(', ')}${o.source ? ` (got "${shorten(o.source)}")` : ''}.`);
  const method = o.method as (typeof METHODS)[number] | undefined;
  if (!method || !(METHODS as readonly string[]).includes(method)) throw new InputError(`--method must be one of ${METHODS.join(', ')}${o.method ? ` (got "${shorten(o.method)}")` : ''}.`);
  if (!o.out) throw new InputError('project needs --out points.json.');
  if (source !== 'resid') {
    if (o.layer !== undefined) throw new InputError(`--layer is only for --source resid (the ${source} matrix has no layers).`);
    if (o.files !== undefined || o.text !== undefined) throw new InputError(`--files and --text are only for --source resid.`);
  }
  let texts: ProjectorText[] | undefined;
  if (source === 'resid') {
    if (o.layer === undefined) throw new InputError('--source resid needs --layer L.');
    texts = [];
    if (o.text !== undefined) {
      try {
        texts.push({ text: readFileSync(o.text, 'utf8'), file: o.text });
      } catch (error) {
        throw new InputError(`Cannot read --text ${o.text} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
      }
    }
    if (o.files !== undefined) {
      const found = readGlob(process.cwd(), o.files);
      if (found.length === 0) throw new InputError(`--files ${shorten(o.files)} matches no text file under ${process.cwd()}.`);
      texts.push(...found);
    }
    if (texts.length === 0) throw new InputError('--source resid needs --text FILE or --files GLOB.');
  }
  const out = resolve(o.out);
  const r = await ctx.engine['projector/project'](
    {
      model: ctx.model,
      source,
      ...(source === 'resid' ? { layer: limitedOption(o, '--layer'), texts } : {}),
      method,
      seed: limitedOption(o, '--seed', 0),
    },
    ctx.signal,
  );
  const file = { model: r.model, method: r.method, ...(r.explainedVariance ? { explainedVariance: r.explainedVariance } : {}), points: r.points };
  // beside the target and renamed: a failed write leaves no half file
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify(file));
    renameSync(tmp, out);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw new InputError(`Cannot write --out ${o.out} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`);
  }
  if (o.json) {
    ctx.out(JSON.stringify({ out, points: r.points.length, totalPoints: r.totalPoints, dims: r.dims, ...(r.explainedVariance ? { explainedVariance: r.explainedVariance, pcaAlgorithm: r.pcaAlgorithm } : {}), ms: r.ms }));
    return 0;
  }
  const what = r.hook ?? r.source;
  const variance = r.explainedVariance ? `; explained variance ${r.explainedVariance.slice(0, 2).map((v) => `${(100 * v).toFixed(1)}%`).join(', ')} (${r.pcaAlgorithm})` : '';
  ctx.out(`${r.method.toUpperCase()} of ${r.points.length.toLocaleString('en-US')} of ${r.totalPoints.toLocaleString('en-US')} ${what} points (${r.dims} dims) in ${Math.round(r.ms)} ms${variance}; wrote ${out}`);
  return 0;
};
