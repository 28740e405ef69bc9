import { performance } from 'node:perf_hooks';
import { createHash } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { accessSync, constants, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { resolveHooks } from '../../instrument/hookNames';
import { writeSafetensors } from './safetensors';
import { fileSha256 } from '../../models/fileSha256';
import { fitToContext } from '../../contextWindows';
import { InputError } from '../../errors';
import { RequestProgress } from '../../progress';
import type { FeatureContext, FeatureHandlers } from '../context';
import type { ExportResult } from '../../../protocol/internals';

/**
 * Writes the selection's activations as float32 .safetensors under their TransformerLens names
 * ([batch, head, query_pos, key_pos] patterns, [batch, pos, d_model] residuals), with the .onnx
 * file's sha256, the token ids, the text's hash and the patterns recomputed from a fused attention
 * op (`recomputed`, a JSON list of names) as metadata so a file can be traced to its input.
 */
export function exportHandlers(ctx: FeatureContext): FeatureHandlers<'activations/export'> {
  return {
    'activations/export': async (p, signal): Promise<ExportResult> => {
      const t0 = performance.now();
      if (!p.out.endsWith('.safetensors')) throw new InputError(`The output file must end in .safetensors (got ${p.out}).`);
      checkWritable(p.out);
      const m = await ctx.instrumented.load(p.model);
      const { tokens, truncation } = fitToContext(m.base.tokenizer.encode(p.text), Math.min(p.maxTokens, m.base.lm.contextLength), m.base.tokenizer.bosId);
      const ids = tokens.map((t) => t.id);
      const names = p.names.length > 0 ? p.names : m.result.hooks.map((h) => h.name);
      // a glob may match nothing on its own, but an export of nothing is a mistake: say what there is, write nothing
      if (resolveHooks(m.result, names).length === 0) {
        throw new InputError(`No activation of ${m.base.folder.name} matches ${names.join(', ')}; available: ${namePatterns(m.result.hooks.map((h) => h.name))}.`);
      }
      // one forward pass and one write: neither can stop midway, so the bar says which is running
      const progress = new RequestProgress(signal, { run: 50, write: 50 });
      progress.report('run', 0, 1, `forward pass over ${ids.length} tokens`);
      const acts = await ctx.instrumented.run(m, ids, names);
      progress.report('run', 1, 1, `writing ${acts.size} tensors`);
      // which maps were recomputed from a fused attention op's Q and K rather than read from a Softmax
      const recomputed = resolveHooks(m.result, [...acts.keys()]).filter((h) => h.recomputed).map((h) => h.name);
      const ordered = new Map([...acts.entries()].sort(([a], [b]) => hookOrder(a) - hookOrder(b) || a.localeCompare(b)));
      // written beside the target and renamed: a failed write leaves no half file and keeps an older one
      const tmp = `${p.out}.${process.pid}.tmp`;
      await writeSafetensors(tmp, ordered, {
        format: 'pt',
        model: m.base.folder.name,
        model_sha256: await fileSha256(m.base.folder.onnxPath),
        recomputed: JSON.stringify(recomputed),
        input_ids: JSON.stringify(ids),
        text_sha256: createHash('sha256').update(p.text).digest('hex'),
        ...(truncation ? { truncation: truncation.reason } : {}),
        producer: 'tensorloupe',
      })
        .then(() => replaceFile(tmp, p.out))
        .then(() => progress.report('write', 1, 1, `wrote ${ordered.size} tensors`))
        .catch((error: unknown) => {
          rmSync(tmp, { force: true });
          throw new InputError(`Could not write ${p.out} (${writeFailure(error)}).`);
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

/**
 * Moves `tmp` to `out`. An older `out` is first moved aside and held open: neither rename then
 * replaces an existing name, which ext4 answers by writing the new file's pages out before it
 * returns (auto_da_alloc: ~100–160 ms of a 267 MB export, a sixth of a GPT-2-small forward at 512
 * tokens), and the old file's blocks are freed when the handle closes, after the answer. Should
 * the engine die meanwhile, the kernel closes the handle: nothing is left over. Not on Windows,
 * where an open file cannot be renamed over and a plain rename replaces in place.
 */
async function replaceFile(tmp: string, out: string): Promise<void> {
  const old = process.platform === 'win32' ? undefined : await open(out, 'r').catch(() => undefined); // none yet: a plain rename
  if (!old) return rename(tmp, out);
  const aside = `${out}.${process.pid}.old`;
  try {
    await rename(out, aside);
    try {
      await rename(tmp, out);
    } catch (error) {
      await rename(aside, out).catch(() => undefined); // the older file back in its place
      throw error;
    }
    await unlink(aside); // only its name: the open handle keeps its blocks until the close below
  } finally {
    void old.close().catch(() => undefined);
  }
}

/** Sort key: embed, then layer by layer (pre, pattern, mid, post), then the final norm. */
function hookOrder(name: string): number {
  if (name === 'hook_embed') return -1;
  const m = /^blocks\.(\d+)\.(.+)$/.exec(name);
  if (!m) return 1e9;
  const within = ['hook_resid_pre', 'attn.hook_pattern', 'hook_resid_mid', 'hook_resid_post'].indexOf(m[2]);
  return Number(m[1]) * 10 + (within === -1 ? 9 : within);
}

/** Fails before the model runs when the output cannot be written: its folder is missing or read-only, or it is a folder. */
function checkWritable(out: string): void {
  const dir = dirname(out);
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new InputError(`Cannot write ${out}: the folder ${dir} does not exist.`);
  }
  if (!isDir) throw new InputError(`Cannot write ${out}: ${dir} is a file, not a folder.`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new InputError(`Cannot write ${out}: the folder ${dir} is not writable.`);
  }
  if (statSync(out, { throwIfNoEntry: false })?.isDirectory()) throw new InputError(`Cannot write ${out}: it is a folder.`);
}

/** Hook names with the layer number folded: `blocks.*.hook_resid_pre (layers 0-3)`. */
export function namePatterns(names: string[]): string {
  const layers = new Map<string, number[]>();
  for (const name of names) {
    const m = /^blocks\.(\d+)\.(.+)$/.exec(name);
    const key = m ? `blocks.*.${m[2]}` : name;
    const list = layers.get(key) ?? [];
    if (m) list.push(Number(m[1]));
    layers.set(key, list);
  }
  if (layers.size === 0) return 'none (no hooks were found in this graph)';
  return [...layers.entries()]
    .map(([key, ls]) => (ls.length ? `${key} (layers ${Math.min(...ls)}-${Math.max(...ls)})` : key))
    .join(', ');
}

function writeFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const known: Record<string, string> = { EACCES: 'permission denied', EPERM: 'permission denied', ENOSPC: 'the disk is full', EROFS: 'the file system is read-only', EDQUOT: 'over the disk quota', ENOENT: 'the file system refused to create it' };
  return (code && known[code]) ?? code ?? String(error);
}
