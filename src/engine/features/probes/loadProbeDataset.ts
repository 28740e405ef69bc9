import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { InputError } from '../../errors';
import { openFailure } from '../../../util/readBounded';
import { formatBytes } from '../../../util/format';
import { builtinDataset, isBuiltinTask, TS_JS_FILE, type SourceFile } from './builtinTasks';
import { readDataset } from './readDataset';
import type { ProbeDataset } from './datasetTypes';

// A dataset by name (a file, or a builtin task over source files) with the sha256 a saved probe records.

/** Source files a builtin task reads at most, and bytes per file (bigger ones are generated or minified code). */
export const MAX_SOURCE_FILES = 2000;
export const MAX_SOURCE_BYTES = 1024 * 1024;

export function loadProbeDataset(name: string, files: string[]): { dataset: ProbeDataset; sha256: string } {
  const hash = createHash('sha256');
  if (!isBuiltinTask(name)) {
    if (name.startsWith('builtin:')) throw new InputError(`--dataset ${name} is not a builtin task; there are builtin:category, builtin:in-string and builtin:depth.`);
    const dataset = readDataset(name);
    hash.update(readFileSync(name));
    return { dataset, sha256: hash.digest('hex') };
  }
  if (files.length > MAX_SOURCE_FILES) throw new InputError(`--files matched ${files.length.toLocaleString('en-US')} files; ${name} reads at most ${MAX_SOURCE_FILES.toLocaleString('en-US')} (narrow the glob).`);
  const sources: SourceFile[] = [];
  for (const path of [...files].sort()) {
    if (!TS_JS_FILE.test(path)) continue; // the scanner reads TS/JS only
    let text: string;
    try {
      const size = statSync(path).size;
      if (size > MAX_SOURCE_BYTES) continue; // generated or minified: not the workspace's own code
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new InputError(`${openFailure(path, error)}.`);
    }
    if (text.includes('\u0000')) continue;
    hash.update(path).update('\u0000').update(text).update('\u0000');
    sources.push({ path, text });
  }
  if (sources.length === 0 && files.length > 0) throw new InputError(`${name} found no TypeScript or JavaScript file under ${formatBytes(MAX_SOURCE_BYTES)} among the ${files.length} files --files matched.`);
  return { dataset: builtinDataset(name, sources), sha256: hash.digest('hex') };
}
