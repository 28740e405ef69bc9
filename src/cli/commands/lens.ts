import { InputError } from '../../engine/errors';
import { intOption, limitedOption, oneTextArgument, type CliCommand } from '../context';
import { visibleToken } from '../../util/format';
import { lensTargetNote } from '../../util/lensTargetNote';
import type { LensResult, LensTargetResult } from '../../protocol/internals';

/** Positions per printed block, so a long input wraps instead of running off the terminal. */
const COLUMNS_PER_BLOCK = 8;
const CELL = 14;

function clip(text: string, width: number): string {
  const t = visibleToken(text);
  return t.length > width ? `${t.slice(0, width - 1)}…` : t;
}

function cellsAt(r: LensResult, l: number, p: number): { id: number; text: string; prob: number }[] {
  const at = (l * r.positions + p) * r.topK;
  return Array.from({ length: r.topK }, (_, j) => {
    const id = r.topIds[at + j];
    return { id, text: r.tokenTexts[id] ?? '', prob: r.topProbs[at + j] };
  });
}

function printGrid(out: (s: string) => void, r: LensResult): void {
  const labelWidth = Math.max(...r.layers.map((l) => l.length));
  for (let start = 0; start < r.positions; start += COLUMNS_PER_BLOCK) {
    const cols = Array.from({ length: Math.min(COLUMNS_PER_BLOCK, r.positions - start) }, (_, i) => start + i);
    out(`${'position'.padEnd(labelWidth)}  ${cols.map((p) => String(p).padEnd(CELL)).join(' ')}`);
    out(`${'input token'.padEnd(labelWidth)}  ${cols.map((p) => clip(r.tokens[p].text, CELL).padEnd(CELL)).join(' ')}`);
    r.layers.forEach((label, l) => {
      const cells = cols.map((p) => {
        const top = cellsAt(r, l, p)[0];
        const prob = top.prob.toFixed(2).replace(/^0/, '');
        return `${clip(top.text, CELL - prob.length - 1)} ${prob}`.padEnd(CELL);
      });
      out(`${label.padEnd(labelWidth)}  ${cells.join(' ')}`);
    });
    out('');
  }
  const last = r.positions - 1;
  out(`KL(final ‖ layer) in bits at the last position: ${r.layers.map((label, l) => `${label} ${r.klToFinal[l * r.positions + last].toFixed(3)}`).join(' · ')}`);
}

/** tensorloupe lens [--top-k N] [--position P --target TOKEN] "text": the logit-lens grid. */
export const lensCommand: CliCommand = async (ctx) => {
  const topK = Math.min(20, limitedOption(ctx.options, '--top-k'));
  const maxTokens = limitedOption(ctx.options, '--max-tokens');
  const text = oneTextArgument(ctx, 'lens');
  if (ctx.options.position !== undefined && ctx.options.target === undefined) throw new InputError('--position goes with --target: it says where to trace the target token.');
  // checked before the model runs, and again against the text's length after
  const wanted = ctx.options.position === undefined ? undefined : intOption(ctx.options.position, '--position', 0, Infinity);
  const r = await ctx.engine['lens/get']({ model: ctx.model, text, topK, maxTokens }, ctx.signal);
  let target: (LensTargetResult & { position: number }) | undefined;
  if (ctx.options.target !== undefined) {
    const position = wanted === undefined ? r.positions - 1 : intOption(ctx.options.position, '--position', 0, r.positions - 1);
    const asId = /^#\d+$/.test(ctx.options.target) ? Number(ctx.options.target.slice(1)) : undefined;
    const t = await ctx.engine['lens/target']({ runId: r.runId, position, target: asId ?? ctx.options.target }, ctx.signal);
    target = { ...t, position };
    const several = lensTargetNote(asId ?? ctx.options.target, t.pieces);
    if (several) ctx.note(several);
  }
  if (ctx.options.json) {
    ctx.out(
      JSON.stringify({
        model: r.model.name,
        tokens: r.tokens.map((t) => ({ id: t.id, text: t.text })),
        layers: r.layers,
        grid: r.layers.map((_, l) =>
          r.tokens.map((_t, p) => ({ top: cellsAt(r, l, p), klToFinalBits: r.klToFinal[l * r.positions + p], entropyBits: r.entropyBits[l * r.positions + p] })),
        ),
        ...(target ? { target: { position: target.position, id: target.targetId, text: target.targetText, pieces: target.pieces, ranks: [...target.ranks], probs: [...target.probs] } } : {}),
        ...(r.truncation ? { truncation: r.truncation } : {}),
        ms: r.ms,
      }),
    );
    return 0;
  }
  if (r.truncation) ctx.note(r.truncation.reason);
  ctx.out(`model ${r.model.name} · ${r.positions} tokens · ${r.layers.length} lens rows · top token and its probability per cell · ${r.ms.toFixed(0)} ms`);
  ctx.out('');
  printGrid((s) => ctx.out(s), r);
  if (target) {
    ctx.out('');
    ctx.out(`target "${visibleToken(target.targetText)}" (id ${target.targetId}) at position ${target.position}:`);
    r.layers.forEach((label, l) => ctx.out(`  ${label.padEnd(28)} rank ${String(target.ranks[l]).padStart(6)}  p ${target.probs[l].toExponential(3)}`));
  }
  return 0;
};
