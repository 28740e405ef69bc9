// `--files GLOB` for the projector: the text files under the current folder whose relative path
// matches (`*` within a name, `**` across folders, `?` one character), skipping dot-folders and
// node_modules, binaries (a NUL byte) and files too big to read as text. Node 20 has no fs.glob.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { MAX_TEXT_CHARS } from '../util/limits';

/** files read at most, so `--files '**'` in a home folder does not read everything */
export const MAX_GLOB_FILES = 10_000;

export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export interface GlobbedText {
  file: string;
  text: string;
}

export function readGlob(root: string, glob: string): GlobbedText[] {
  const pattern = globToRegExp(glob.replace(/^\.\//, ''));
  const found: GlobbedText[] = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    } catch {
      return; // an unreadable folder is skipped, not fatal
    }
    for (const e of entries) {
      if (found.length >= MAX_GLOB_FILES) return;
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        if (!e.name.startsWith('.') && e.name !== 'node_modules') walk(path);
        continue;
      }
      const rel = relative(root, path).split(sep).join('/');
      if (!e.isFile() || !pattern.test(rel) || statSync(path).size > MAX_TEXT_CHARS) continue;
      const buf = readFileSync(path);
      if (buf.includes(0)) continue;
      found.push({ file: rel, text: buf.toString('utf8') });
    }
  };
  walk(root);
  return found;
}
