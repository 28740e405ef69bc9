// Baselines: indexing a 10 MB corpus (n-gram levels + suffix array, single-threaded JavaScript, so
// one core), the index's bytes per token and the peak RSS it added, and a warm baseline query
// (Kneser–Ney order 5 with top-1, bag-of-tokens, longest matches) over a 2,000-token selection.
// The corpus: TypeScript's lib*.d.ts then this repo's sources, concatenated file by file to 10 MB.
import { performance } from 'node:perf_hooks';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TextTokenizer } from '../src/engine/preprocess/textTokenizer';
import { buildNgramIndex, indexBytes, joinFiles } from '../src/engine/analyses/ngramIndex';
import { KneserNey } from '../src/engine/analyses/kneserNey';
import { BagOfTokens } from '../src/engine/analyses/bagOfTokens';
import { longestMatches } from '../src/engine/analyses/longestMatch';
import { CODE_LM, ROOT } from '../test/helpers/paths';

const TARGET_BYTES = 10 * 2 ** 20;

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (/\.(ts|mts|d\.ts|py|js)$/.test(name)) out.push(p);
  }
}

async function main(): Promise<void> {
  const paths: string[] = [];
  walk(join(ROOT, 'node_modules', 'typescript', 'lib'), paths);
  walk(join(ROOT, 'src'), paths);
  walk(join(ROOT, 'models', 'train'), paths);
  const texts: string[] = [];
  let bytes = 0;
  for (let round = 0; bytes < TARGET_BYTES; round++) {
    for (const p of paths) {
      if (bytes >= TARGET_BYTES) break;
      const t = readFileSync(p, 'utf8');
      if (t.length > 4 * 2 ** 20) continue;
      // a second round (only if the sources are short of 10 MB) changes every line so it is not a verbatim copy
      texts.push(round === 0 ? t : t.replace(/\n/g, `\n${'#'.repeat(round)} `));
      bytes += Buffer.byteLength(texts[texts.length - 1]);
    }
  }
  const tok = new TextTokenizer(join(CODE_LM, 'tokenizer.json'));
  let t0 = performance.now();
  const files = texts.map((t) => Int32Array.from(tok.ids(t)));
  const tokeniseMs = performance.now() - t0;
  const { tokens } = joinFiles(files, tok.vocabSize);
  files.length = 0;
  texts.length = 0;
  (globalThis as { gc?: () => void }).gc?.();
  const rssBefore = process.memoryUsage().arrayBuffers;
  let peak = rssBefore;
  const sample = setInterval(() => { peak = Math.max(peak, process.memoryUsage().arrayBuffers); }, 20);
  t0 = performance.now();
  const ix = await buildNgramIndex(tokens, tok.vocabSize, () => { peak = Math.max(peak, process.memoryUsage().arrayBuffers); });
  const indexMs = performance.now() - t0;
  clearInterval(sample);
  const n = tokens.length;

  // a selection from outside the corpus: the code LM's training sources, 2,000 tokens
  const held = tok.ids(readFileSync('/usr/lib/python3.11/argparse.py', 'utf8')).slice(0, 2000);
  const kn = new KneserNey(ix, 5);
  const bag = new BagOfTokens(ix);
  const query = () => {
    const s = performance.now();
    let sum = 0;
    for (let t = 1; t < held.length; t++) {
      const r = kn.score(held, 0, t);
      sum += Math.log2(r.prob) + Math.log2(bag.prob(held, 0, t, held[t]));
    }
    const a = performance.now();
    longestMatches(ix, held);
    const b = performance.now();
    for (let t = 1; t < held.length; t++) sum += kn.prob(held, 0, t, held[t]);
    const c = performance.now();
    for (let t = 1; t < held.length; t++) sum += bag.prob(held, 0, t, held[t]);
    console.log(`parts: all-but-match ${(a - s).toFixed(0)} ms, match ${(b - a).toFixed(0)} ms, kn prob ${(c - b).toFixed(0)} ms, bag ${(performance.now() - c).toFixed(0)} ms`);
    return [b - s, sum] as const;
  };
  const [coldMs] = query();
  const [warmMs] = query();
  const row = {
    corpusMB: +(bytes / 2 ** 20).toFixed(1),
    tokens: n,
    tokeniseS: +(tokeniseMs / 1000).toFixed(1),
    indexS: +(indexMs / 1000).toFixed(1),
    indexBytesPerToken: +(indexBytes(ix) / n).toFixed(1),
    peakArrayBytesPerToken: +(peak / n).toFixed(1), // every typed array alive while indexing, the stream included
    queryTokens: held.length,
    queryColdMs: Math.round(coldMs),
    queryWarmMs: Math.round(warmMs),
  };
  console.table([row]);
  console.log(`BENCH ${JSON.stringify({ bench: 'baselines', ...row, targets: { indexS: 30, bytesPerToken: 40, queryWarmMs: 200 } })}`);
}

void main();
