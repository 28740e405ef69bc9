// Child of bench/internals.ts: loads the code LM, then runs one attention summary of N tokens and
// reports the process's RSS after loading and at its peak.
import { performance } from 'node:perf_hooks';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngineHandlers } from '../src/engine/engineHandlers';
import { TextTokenizer } from '../src/engine/preprocess/textTokenizer';
import { CODE_LM, ROOT } from '../test/helpers/paths';

const n = Number(process.argv[2] ?? 512);
const never = { cancelled: false, onCancel: () => undefined };
const mb = (kb: number) => kb / 1024;

async function main(): Promise<void> {
  const engine = createEngineHandlers({ provider: 'cpu', threads: 0, cacheDir: mkdtempSync(join(tmpdir(), 'tl-rss-')) });
  const tok = new TextTokenizer(join(CODE_LM, 'tokenizer.json'));
  const source = readFileSync(join(ROOT, 'test', 'fixtures', 'longSource.ts.txt'), 'utf8').repeat(12);
  const text = tok.decode(tok.encode(source).map((t) => t.id).slice(1, n));
  // load and instrument with a tiny input, so "loaded" includes sessions and caches
  await engine['attention/summary']({ model: CODE_LM, text: 'x = 1', maxTokens: 4096 }, never);
  global.gc?.();
  const loaded = mb(process.memoryUsage().rss / 1024);
  const t0 = performance.now();
  const r = await engine['attention/summary']({ model: CODE_LM, text, maxTokens: 4096 }, never);
  const ms = performance.now() - t0;
  const peak = mb(process.resourceUsage().maxRSS);
  console.log(`RSS ${JSON.stringify({ tokens: r.tokens.length, loadedMb: loaded, peakMb: peak, ms })}`);
}

void main();
