import { performance } from 'node:perf_hooks';
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { existsSync } from 'node:fs';
import { writeSafetensors } from '../safetensors';
import { fitToContext } from '../contextWindows';
import { InputError } from '../errors';
import type { InternalsContext, InternalsHandlers } from './context';
import type { ExportResult } from '../../protocol/internals';

/**
 * Writes the selection's activations as float32 .safetensors under their TransformerLens names
 * ([batch, head, query_pos, key_pos] patterns, [batch, pos, d_model] residuals), with the model
 * hash, the token ids and the text's hash as metadata so a file can be traced to its input.
 */
export function exportHandlers(ctx: InternalsContext): InternalsHandlers<'activations/export'> {
  return {
    'activations/export': async (p): Promise<ExportResult> => {
      const t0 = performance.now();
      if (!p.out.endsWith('.safetensors')) throw new InputError(`The output file must end in .safetensors (got ${p.out}).`);
      if (!existsSync(dirname(p.out))) throw new InputError(`The folder ${dirname(p.out)} does not exist.`);
      const m = await ctx.instrumented.load(p.model);
      const { tokens, truncation } = fitToContext(m.base.tokenizer.encode(p.text), Math.min(p.maxTokens, m.base.lm.contextLength), m.base.tokenizer.bosId);
      const ids = tokens.map((t) => t.id);
      const names = p.names.length > 0 ? p.names : m.result.hooks.map((h) => h.name);
      const acts = await ctx.instrumented.run(m, ids, names);
      const ordered = new Map([...acts.entries()].sort(([a], [b]) => hookOrder(a) - hookOrder(b) || a.localeCompare(b)));
      await writeSafetensors(p.out, ordered, {
        format: 'pt',
        model: m.base.folder.name,
        model_sha256: m.result.modelHash,
        input_ids: JSON.stringify(ids),
        text_sha256: createHash('sha256').update(p.text).digest('hex'),
        ...(truncation ? { truncation: truncation.reason } : {}),
        producer: 'tensorloupe',
      });
      return {
        out: p.out,
        tensors: [...ordered.entries()].map(([name, t]) => ({ name, shape: t.dims })),
        bytes: statSync(p.out).size,
        ms: performance.now() - t0,
      };
    },
  };
}

/** Sort key: embed, then layer by layer (pre, pattern, mid, post), then the final norm. */
function hookOrder(name: string): number {
  if (name === 'hook_embed') return -1;
  const m = /^blocks\.(\d+)\.(.+)$/.exec(name);
  if (!m) return 1e9;
  const within = ['hook_resid_pre', 'attn.hook_pattern', 'hook_resid_mid', 'hook_resid_post'].indexOf(m[2]);
  return Number(m[1]) * 10 + (within === -1 ? 9 : within);
}
