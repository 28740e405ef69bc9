/** Resolve requested hook names, with `*` globs (`blocks.*.attn.hook_pattern`), against a result. */
import { InstrumentError } from './errors.js';
import type { HookInfo, InstrumentResult } from './types.js';

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^.]*');
  return new RegExp(`^${escaped}$`);
}

export function resolveHooks(result: InstrumentResult, names: string[]): HookInfo[] {
  const picked = new Map<string, HookInfo>();
  for (const name of names) {
    const re = globToRegExp(name);
    const hits = result.hooks.filter((h) => re.test(h.name));
    if (!hits.length) {
      const why = result.unavailable.find((u) => re.test(u.name) || u.name === name);
      if (name.includes('*') && !why) continue; // a glob may legitimately match nothing (attention-only: no resid_mid)
      throw new InstrumentError('HOOK_UNKNOWN', why ? `${name} is not available: ${why.reason}` :
        `${name} is not a hook of this model; available: ${result.hooks.slice(0, 6).map((h) => h.name).join(', ')}…`);
    }
    for (const h of hits) picked.set(h.name, h);
  }
  return [...picked.values()];
}
