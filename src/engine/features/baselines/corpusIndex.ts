import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildNgramIndex, joinFiles } from '../../analyses/ngramIndex';
import { checkpoint } from '../../cancellation';
import { InputError } from '../../errors';
import type { TextTokenizer } from '../../preprocess/textTokenizer';
import type { CancelSignal } from '../../../protocol/rpc';
import { readCorpusIndex, writeCorpusIndex, type StoredCorpus } from './indexFile';

// A corpus for the baselines: the files read as text (binaries and files over 4 MiB skipped),
// each tokenised with the model's own tokenizer (BOS and all, as the model sees a document), then
// indexed. The index is cached on disk under a name made of the tokenizer's and every file's
// sha256 (and the files' order), so an unchanged corpus is read back instead of rebuilt and any
// change to any file builds a new one.

/** bytes per corpus file read at most (bigger ones are generated or minified) */
export const MAX_CORPUS_FILE_BYTES = 4 * 2 ** 20;
/** text a corpus may hold in all (about 20M tokens: some 500 MB while indexing) */
export const MAX_CORPUS_BYTES = 64 * 2 ** 20;
/** bump when the index layout changes: old files are then never read */
const FORMAT = 'baselines-index-1';

export type CorpusParts = 'read' | 'tokenise' | 'index';

/** the request's RequestProgress, seen through the parts this file counts */
export interface CorpusProgress {
  report(part: CorpusParts, done: number, total: number, message?: string): void;
  skip(part: CorpusParts): void;
}

export interface LoadedCorpus extends StoredCorpus {
  key: string;
  fromCache: boolean;
}

interface CorpusFile {
  path: string;
  text: string;
}

function readCorpusFiles(paths: string[]): { files: CorpusFile[]; skipped: number; hash: ReturnType<typeof createHash> } {
  const hash = createHash('sha256');
  const files: CorpusFile[] = [];
  let skipped = 0;
  let total = 0;
  for (const path of paths) {
    let buf: Buffer;
    try {
      if (statSync(path).size > MAX_CORPUS_FILE_BYTES) { skipped++; continue; }
      buf = readFileSync(path);
    } catch {
      skipped++;
      continue;
    }
    if (buf.includes(0)) { skipped++; continue; } // binary
    total += buf.length;
    if (total > MAX_CORPUS_BYTES) throw new InputError(`The corpus holds more than ${MAX_CORPUS_BYTES / 2 ** 20} MiB of text (at ${path}); choose a narrower glob or folder.`);
    hash.update(path).update('\0').update(createHash('sha256').update(buf).digest('hex')).update('\n');
    files.push({ path, text: buf.toString('utf8') });
  }
  return { files, skipped, hash };
}

export async function loadCorpus(
  paths: string[],
  tokenizer: TextTokenizer,
  tokenizerSha256: string,
  cacheDir: string,
  kept: LoadedCorpus | undefined,
  progress: CorpusProgress,
  signal?: CancelSignal,
): Promise<LoadedCorpus> {
  if (paths.length === 0) throw new InputError('The corpus is empty: the glob matched no files.');
  const { files, skipped, hash } = readCorpusFiles(paths);
  progress.report('read', 1, 1, `read ${files.length.toLocaleString('en-US')} corpus files`);
  if (files.length === 0) throw new InputError(`None of the ${paths.length} corpus files could be read as text (binary, unreadable or over 4 MiB).`);
  hash.update(FORMAT).update(tokenizerSha256);
  const key = hash.digest('hex');
  if (kept?.key === key) return { ...kept, fromCache: true };
  const path = join(cacheDir, `${key}.tlindex`);
  const stored = readCorpusIndex(path);
  if (stored && stored.index.vocab === tokenizer.vocabSize) {
    progress.skip('tokenise');
    progress.skip('index');
    return { ...stored, key, fromCache: true };
  }
  const ids: Int32Array[] = [];
  let last = performance.now();
  let bytesDone = 0;
  const bytesAll = files.reduce((s, f) => s + f.text.length, 0);
  for (const f of files) {
    ids.push(Int32Array.from(tokenizer.ids(f.text)));
    bytesDone += f.text.length;
    if (performance.now() - last > 50) {
      progress.report('tokenise', bytesDone, bytesAll, `tokenising ${f.path.split(/[\\/]/).pop()}`);
      await checkpoint(signal);
      last = performance.now();
    }
  }
  progress.report('tokenise', 1, 1);
  const { tokens, starts } = joinFiles(ids, tokenizer.vocabSize);
  ids.length = 0;
  const index = await buildNgramIndex(tokens, tokenizer.vocabSize, async (stage, done, total) => {
    progress.report('index', stage === 'suffix array' ? done / total * 0.7 : 0.7 + (0.3 * done) / total, 1, `indexing ${tokens.length.toLocaleString('en-US')} tokens: ${stage}`);
    await checkpoint(signal);
  });
  const corpus: StoredCorpus = { index, files: files.map((f) => f.path), starts, skipped };
  try {
    writeCorpusIndex(path, corpus);
  } catch {
    // a read-only cache only costs the next run a rebuild
  }
  return { ...corpus, key, fromCache: false };
}
