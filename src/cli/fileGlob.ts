// `--files GLOB` for the projector: the text files expandGlob finds, read as text, skipping binaries
// (a NUL byte) and files too big to read as text. Paths come back relative to `root`, as the
// points' `file` field shows them.
import { readFileSync, statSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { MAX_TEXT_CHARS } from '../util/limits';
import { expandGlob } from './expandGlob';

/** files read at most, so `--files '**'` in a home folder does not read everything */
export const MAX_GLOB_FILES = 10_000;

export interface GlobbedText {
  file: string;
  text: string;
}

export function readGlob(root: string, glob: string): GlobbedText[] {
  const found: GlobbedText[] = [];
  for (const path of expandGlob(glob.replace(/^\.\//, ''), root)) {
    if (found.length >= MAX_GLOB_FILES) break;
    if (statSync(path).size > MAX_TEXT_CHARS) continue;
    const buf = readFileSync(path);
    if (buf.includes(0)) continue;
    found.push({ file: relative(root, path).split(sep).join('/'), text: buf.toString('utf8') });
  }
  return found;
}
