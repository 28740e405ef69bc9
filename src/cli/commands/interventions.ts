/** tensorloupe ablate / patch / attribute: causal interventions (engine: features/interventions/). */
import { InputError } from '../../engine/errors';
import { limitedOption, oneTextArgument, type CliCommand, type CliContext } from '../context';
import { visibleToken } from '../../util/format';
import type { HeadRef, NextCandidate, PatchHook, TokenRef } from '../../protocol/interventions';

/** TOKEN as for `lens --target`: its text, or #ID */
const tokenOption = (v: string | undefined, flag: string): TokenRef => {
  if (v === undefined || v === '') throw new InputError(`${flag} is required: a token's text (leading space included) or #ID.`);
  return /^#\d+$/.test(v) ? Number(v.slice(1)) : v;
};

export function parseHeads(text: string | undefined): HeadRef[] {
  if (!text) throw new InputError('--heads is required: layer.head pairs, e.g. --heads 1.3,2.0');
  return text.split(',').map((s) => {
    const m = /^\s*(\d+)\.(\d+)\s*$/.exec(s);
    if (!m) throw new InputError(`--heads: "${s.slice(0, 20)}" is not layer.head (e.g. 1.3).`);
    return { layer: Number(m[1]), head: Number(m[2]) };
  });
}

const row = (c: NextCandidate) => ({ id: c.id, text: c.text, prob: c.prob, logit: c.logit });

function table(ctx: CliContext, title: string, cands: NextCandidate[]): void {
  ctx.out(title);
  for (const c of cands) ctx.out(`  ${String(c.id).padStart(6)}  ${c.prob.toFixed(6)}  ${c.logit.toFixed(4).padStart(9)}  ${visibleToken(c.text)}`);
}

export const ablateCommand: CliCommand = async (ctx) => {
  const heads = parseHeads(ctx.options.heads);
  const mode = ctx.options.mode ?? 'zero';
  if (mode !== 'zero' && mode !== 'mean') throw new InputError(`--mode must be zero or mean (got "${mode.slice(0, 20)}").`);
  const topK = limitedOption(ctx.options, '--top-k');
  const text = oneTextArgument(ctx, 'ablate');
  const r = await ctx.engine['interventions/ablate']({ model: ctx.model, text, heads, mode, topK }, ctx.signal);
  if (ctx.options.json) {
    ctx.out(JSON.stringify({
      model: r.model.name, tokens: r.tokens.map((t) => ({ id: t.id, text: t.text })), heads: r.heads, mode: r.mode,
      next: r.next.map(row), clean: { next: r.clean.next.map(row) }, lossClean: r.lossClean, lossAblated: r.lossAblated,
    }));
    return 0;
  }
  ctx.out(`model ${r.model.name} · ${r.tokens.length} tokens · heads ${r.heads.map((h) => `${h.layer}.${h.head}`).join(', ')} ${r.mode}-ablated · ${r.ms.toFixed(0)} ms`);
  ctx.out(`mean next-token loss: clean ${r.lossClean.toFixed(4)} nats → ablated ${r.lossAblated.toFixed(4)} nats (${(r.lossAblated - r.lossClean >= 0 ? '+' : '')}${(r.lossAblated - r.lossClean).toFixed(4)})`);
  table(ctx, 'next token, heads ablated:      id      prob      logit  token', r.next);
  table(ctx, 'next token, clean:              id      prob      logit  token', r.clean.next);
  return 0;
};

const HOOKS: PatchHook[] = ['resid_pre', 'attn_out', 'mlp_out', 'z'];

export const patchCommand: CliCommand = async (ctx) => {
  const hook = (ctx.options.hook ?? 'resid_pre') as PatchHook;
  if (!HOOKS.includes(hook)) throw new InputError(`--hook must be one of ${HOOKS.join(', ')} (got "${hook.slice(0, 20)}").`);
  if (ctx.args.length) throw new InputError('patch takes its prompts as --clean TEXT and --corrupt TEXT, not as arguments.');
  if (ctx.options.clean === undefined || ctx.options.corrupt === undefined) throw new InputError('patch needs --clean TEXT and --corrupt TEXT (the same length in tokens).');
  const r = await ctx.engine['interventions/patch']({
    model: ctx.model, clean: ctx.options.clean, corrupt: ctx.options.corrupt,
    answer: tokenOption(ctx.options.answer, '--answer'), wrong: tokenOption(ctx.options.wrong, '--wrong'), hook,
  }, ctx.signal);
  if (ctx.options.json) {
    ctx.out(JSON.stringify({ model: r.model.name, hook: r.hook, clean: r.clean, corrupt: r.corrupt, results: r.results }));
    return 0;
  }
  ctx.out(`model ${r.model.name} · ${r.cleanTokens.length} tokens · answer ${visibleToken(r.answer.text)} vs wrong ${visibleToken(r.wrong.text)} · ${r.patches} patches in ${r.runs} runs · ${r.ms.toFixed(0)} ms`);
  ctx.out(`logit difference: clean ${r.clean.logitDiff.toFixed(4)} · corrupt ${r.corrupt.logitDiff.toFixed(4)}; cells: normalised (patched − corrupt) / (clean − corrupt)`);
  const cols = hook === 'z' ? r.nHeads : r.cleanTokens.length;
  ctx.out(`${'layer'.padEnd(6)}${Array.from({ length: cols }, (_, i) => (hook === 'z' ? `h${i}` : visibleToken(r.cleanTokens[i].text).slice(0, 6)).padStart(8)).join('')}`);
  for (let l = 0; l < r.nLayers; l++) {
    const cells = r.results.filter((c) => c.layer === l);
    ctx.out(`${String(l).padEnd(6)}${cells.map((c) => c.normalized.toFixed(3).padStart(8)).join('')}`);
  }
  return 0;
};

export const attributeCommand: CliCommand = async (ctx) => {
  const target = tokenOption(ctx.options.target, '--target');
  const vs = ctx.options.vs === undefined ? undefined : tokenOption(ctx.options.vs, '--vs');
  const text = oneTextArgument(ctx, 'attribute');
  const r = await ctx.engine['interventions/attribute']({ model: ctx.model, text, target, ...(vs === undefined ? {} : { vs }) }, ctx.signal);
  if (ctx.options.json) {
    ctx.out(JSON.stringify({ model: r.model.name, target: r.target, vs: r.vs, logit: r.logit, components: r.components, sum: r.sum }));
    return 0;
  }
  ctx.out(`model ${r.model.name} · logit of ${visibleToken(r.target.text)}${r.vs ? ` minus ${visibleToken(r.vs.text)}` : ''} after ${r.tokens.length} tokens · final ${r.norm}, scale frozen`);
  const sorted = [...r.components].sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
  const width = Math.max(...sorted.map((c) => c.name.length));
  for (const c of sorted) ctx.out(`  ${c.name.padEnd(width)}  ${c.value >= 0 ? ' ' : ''}${c.value.toFixed(4)}`);
  ctx.out(`sum of components ${r.sum.toFixed(4)} · actual logit ${r.logit.toFixed(4)} · difference ${(r.logit - r.sum).toExponential(2)}`);
  return 0;
};
