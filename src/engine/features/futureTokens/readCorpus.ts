import { readFileSync, statSync } from 'node:fs';
import { InputError } from '../../errors';
import { openFailure } from '../../../util/readBounded';

// The corpus files a future-token run reads (the host or CLI expanded the glob): sorted, so the
// seeded split does not depend on the order the glob walked; binary and huge files left out.

/** most files read */
export const MAX_CORPUS_FILES = 20_000;
/** a bigger file is generated or minified, not text a model should be probed on */
const MAX_FILE_BYTES = 1024 * 1024;

export interface CorpusFile {
  path: string;
  text: string;
}

export function readCorpus(files: string[], option = '--corpus'): CorpusFile[] {
  if (files.length > MAX_CORPUS_FILES) throw new InputError(`${option} matched ${files.length.toLocaleString('en-US')} files; Tensorloupe reads at most ${MAX_CORPUS_FILES.toLocaleString('en-US')} (narrow the glob).`);
  const out: CorpusFile[] = [];
  for (const path of [...new Set(files)].sort()) {
    let text: string;
    try {
      if (statSync(path).size > MAX_FILE_BYTES) continue;
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new InputError(`${openFailure(path, error)}.`);
    }
    if (text.includes('\u0000') || text.trim().length === 0) continue;
    out.push({ path, text });
  }
  return out;
}
