import { resolve } from 'node:path';
import { InputError } from '../../engine/errors';
import { resolveModelArgument } from '../../engine/hub/resolveModelArgument';
import { defaultVisionModelDir } from '../../engine/models/defaultModels';
import { defaultModelDir } from '../../util/paths';
import { stderrProgress } from '../hubProgress';
import { limitedOption, type CliCommand } from '../context';
import { CROSS_MODAL_METHODS, type CrossModalMethod, type CrossModalResult, type Retrieval } from '../../protocol/crossModal';

const pct = (v: number) => `${(100 * v).toFixed(1)}`.padStart(5);

/** --method ridge|procrustes|both (default both) */
function methodsOption(text: string | undefined): CrossModalMethod[] {
  if (text === undefined || text === 'both') return [...CROSS_MODAL_METHODS];
  const m = CROSS_MODAL_METHODS.find((x) => x === text);
  if (!m) throw new InputError(`--method must be ridge, procrustes or both (got "${text.slice(0, 40)}").`);
  return [m];
}

/**
 * tensorloupe crossmap --from M1 --to M2 [--pairs F.jsonl] [--layer N] [--method ridge|procrustes|both] [--seed N] [--json]:
 * a linear map from an image or audio model's embeddings to a text LM's input embeddings, tested on held-out classes.
 */
export const crossmapCommand: CliCommand = async (ctx) => {
  if (ctx.args.length > 0) throw new InputError(`crossmap takes no positional argument (got "${ctx.args[0].slice(0, 40)}"); name the models with --from and --to, the pairs with --pairs F.jsonl.`);
  const o = ctx.options;
  const from = o.from ? await resolveModelArgument(o.from, { revision: o.revision, variant: o.variant, onProgress: stderrProgress(o.from) }) : defaultVisionModelDir();
  const to = o.to ? await resolveModelArgument(o.to, { revision: o.revision, variant: o.variant, onProgress: stderrProgress(o.to) }) : defaultModelDir();
  const r = await ctx.engine['crossmodal/fit']({
    from,
    to,
    ...(o.pairs ? { pairs: resolve(o.pairs) } : {}),
    methods: methodsOption(o.method),
    ...(o.layer !== undefined ? { layer: limitedOption(o, '--layer') } : {}),
    seed: limitedOption(o, '--seed', 0),
  }, ctx.signal);
  if (o.json) {
    ctx.out(JSON.stringify(r));
    return 0;
  }
  printTable(r, ctx.out);
  return 0;
};

function printTable(r: CrossModalResult, out: (text: string) => void): void {
  const c = r.counts;
  out(`${r.from} → ${r.to}: ${c.samples} ${r.source.modality === 'image' ? 'images' : 'sounds'} of ${c.classes} classes; fitted on ${c.trainClasses}, tested on ${c.testClasses} held out (seed ${r.split.seed}: ${r.split.test.join(' ')})`);
  out(`source: ${r.source.embedding}, d ${r.source.dModel}; target: ${r.to}'s input embedding, d ${r.target.dModel}${r.target.multiToken.length ? ` (mean of the tokens for ${r.target.multiToken.join(', ')})` : ''}`);
  out(`retrieval (%) of each held-out sample's token among all ${r.candidates} tokens (@1, @5) and among the ${c.testClasses} held-out tokens (HO@1, HO@5); shuffled = the same fit on pairs permuted across classes (mean of ${r.permutations})`);
  const cell = (v: Retrieval | undefined) => (v ? `${pct(v.retrievalAt1)} ${pct(v.retrievalAt5)} ${pct(v.heldOutRetrievalAt1)} ${pct(v.heldOutRetrievalAt5)}` : '');
  const head = r.methods.map((m) => `${m.padEnd(24)}  shuffled ${m}`.padEnd(52)).join('  ');
  out(`${'layer'.padEnd(14)}  ${head}`);
  out(`${''.padEnd(14)}  ${r.methods.map(() => `${'  @1    @5  HO@1  HO@5'.padEnd(24)}  ${'  @1    @5  HO@1  HO@5'.padEnd(24)}  `).join('  ')}`);
  for (const l of r.layers) {
    const cells = r.methods.map((m) => `${cell(l[m]).padEnd(24)}  ${cell(l.shuffled[m]).padEnd(24)}  `).join('  ');
    out(`${`${l.layer} ${l.label}`.padEnd(14)}  ${cells}${l.note ? ` (${l.note})` : ''}`);
  }
  out(`${'chance'.padEnd(14)}  ${cell(r.chance)}`);
  out(`held-out classes at layer ${r.tableLayer} (${r.layers[r.tableLayer].label}; chosen by ${r.tableLayerChosenBy}): hits@1 all / held-out, 5 nearest of all tokens`);
  for (const h of r.heldOut) {
    const parts = r.methods.map((m) => {
      const x = h.results[m];
      return x ? `${m} ${x.hitsAt1}/${x.heldOutHitsAt1} of ${h.samples} [${x.top5.map((t) => t.label).join(' ')}]` : '';
    });
    out(`  ${JSON.stringify(h.text).padEnd(10)} ${parts.join('   ')}`);
  }
}
