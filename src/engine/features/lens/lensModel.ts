// What the logit lens needs from a model: its final norm and unembedding (read once from the
// graph's initializers and kept by model hash) and the residual hooks that make its rows.
import { findLensParams, type LensParams } from '../../instrument/lensParams';
import { InputError } from '../../errors';
import { createLensHead, type LensHead } from './lensUnembed';
import type { InstrumentedLm } from '../../instrumentedModels';

const cache = new Map<string, Promise<LensParams>>();
const CACHE_LIMIT = 3;

/** Final norm + unembedding of `m`; a failure says why the lens cannot run on this model. */
export function lensParamsFor(m: InstrumentedLm): Promise<LensParams> {
  const key = m.result.modelHash;
  let hit = cache.get(key);
  if (!hit) {
    hit = findLensParams(m.base.folder.onnxPath).catch((error: Error) => {
      cache.delete(key);
      throw new InputError(`The logit lens cannot read ${m.base.folder.name}'s final norm and unembedding: ${error.message}.`);
    });
    cache.set(key, hit);
    while (cache.size > CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  }
  return hit;
}

const heads = new Map<string, Promise<LensHead>>();

/** The model's unembedding + log-softmax as an onnxruntime session, one per model. */
export function lensHeadFor(m: InstrumentedLm): Promise<LensHead> {
  const key = m.result.modelHash;
  let hit = heads.get(key);
  if (!hit) {
    hit = lensParamsFor(m).then((p) => createLensHead(p.unembed));
    hit.catch(() => heads.delete(key));
    heads.set(key, hit);
    while (heads.size > CACHE_LIMIT) heads.delete(heads.keys().next().value as string);
  }
  return hit;
}

/**
 * Lens rows: the residual stream entering each block (blocks.L.hook_resid_pre; row 0 is the
 * embedding) and, last, the stream leaving the final block, whose lens is the model's own output.
 */
export function lensRowHooks(m: InstrumentedLm): { names: string[]; labels: string[] } {
  const L = m.info.nLayers;
  const have = new Set(m.result.hooks.map((h) => h.name));
  const names: string[] = [];
  const labels: string[] = [];
  for (let l = 0; l < L; l++) {
    const name = `blocks.${l}.hook_resid_pre`;
    if (!have.has(name)) {
      const why = m.result.unavailable.find((u) => u.name === name)?.reason ?? 'the residual stream was not found in the graph';
      throw new InputError(`${m.base.folder.name}: ${name} is not available (${why}), so the logit lens cannot show layer ${l}.`);
    }
    names.push(name);
    labels.push(l === 0 ? `${name} (embed)` : name);
  }
  const last = `blocks.${L - 1}.hook_resid_post`;
  if (L === 0 || !have.has(last)) throw new InputError(`${m.base.folder.name}: ${last} is not available, so the logit lens has no output row.`);
  names.push(last);
  labels.push('ln_final (output)');
  return { names, labels };
}
