import { readdirSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { InputError } from '../engine/errors';

// `--files GLOB` on the command line (the editor uses workspace.findFiles): `**` any folders,
// `*` and `?` within a name, `{a,b}` alternatives. Folders named node_modules or starting with a
// dot are skipped unless the pattern names them. Relative patterns are read from `cwd`.

/** Files the walk visits at most before it stops with an error (a glob of the whole disk). */
export const MAX_GLOB_VISITS = 200_000;

function escapeRegex(c: string): string {
  return /[\\^$.|+()[\]{}]/.test(c) ? `\\${c}` : c;
}

/** The glob as a regular expression over '/'-separated paths relative to its base. */
export function globToRegex(glob: string): RegExp {
  let out = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) out += '|';
    else out += escapeRegex(c);
  }
  if (braces > 0) throw new InputError(`--files ${glob}: a "{" is not closed.`);
  return new RegExp(`^${out}$`);
}

/** The absolute paths of the files the glob matches, sorted. */
export function expandGlob(glob: string, cwd: string): string[] {
  const pattern = glob.split(sep).join('/');
  const parts = pattern.split('/');
  const firstWild = parts.findIndex((p) => /[*?{]/.test(p));
  const baseParts = firstWild < 0 ? parts.slice(0, -1) : parts.slice(0, firstWild);
  const base = resolve(isAbsolute(pattern) ? '/' : cwd, baseParts.join('/') || '.');
  const rest = firstWild < 0 ? parts.slice(-1).join('/') : parts.slice(firstWild).join('/');
  const regex = globToRegex(rest);
  const namesHidden = /(^|\/)\.|node_modules/.test(rest);
  const out: string[] = [];
  let visits = 0;
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // unreadable folders are skipped, as a shell glob does
    }
    for (const e of entries) {
      if (++visits > MAX_GLOB_VISITS) throw new InputError(`--files ${glob} walks more than ${MAX_GLOB_VISITS.toLocaleString('en-US')} entries; narrow it.`);
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        if (!namesHidden && (e.name.startsWith('.') || e.name === 'node_modules')) continue;
        walk(path);
      } else if (e.isFile() && regex.test(relative(base, path).split(sep).join('/'))) out.push(path);
    }
  };
  walk(base);
  return out.sort();
}
