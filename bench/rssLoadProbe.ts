// Child of bench/internals.ts: the engine's resident memory under load and after it goes idle.
// Loads the code LM, fires 100 attention summaries of 1,024 tokens at once, then three
// 2,048-token next-token requests one after another, and reports RSS after each stage and
// after the engine's idle release. The parent runs it with and without allocatorEnv.json.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngineHandlers } from '../src/engine/engineHandlers';
import { TextTokenizer } from '../src/engine/preprocess/textTokenizer';
import { CODE_LM, ROOT } from '../test/helpers/paths';

const IDLE_MS = 2000;
const never = { cancelled: false, onCancel: () => undefined };
const rssMb = () => process.memoryUsage().rss / 1024 / 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function textOf(tok: TextTokenizer, source: string, n: number): string {
  return tok.decode(tok.encode(source).map((t) => t.id).slice(1, n));
}

async function main(): Promise<void> {
  const engine = createEngineHandlers({ provider: 'cpu', threads: 0, cacheDir: mkdtempSync(join(tmpdir(), 'tl-rss-')) }, { idleMs: IDLE_MS, collectGarbage: global.gc });
  const tok = new TextTokenizer(join(CODE_LM, 'tokenizer.json'));
  const source = readFileSync(join(ROOT, 'test', 'fixtures', 'longSource.ts.txt'), 'utf8').repeat(12);
  await engine['attention/summary']({ model: CODE_LM, text: 'x = 1', maxTokens: 4096 }, never);
  await engine['lm/nextToken']({ model: CODE_LM, text: 'x = 1', topK: 5, maxTokens: 4096 }, never);
  const loadedMb = rssMb();
  const text1024 = textOf(tok, source, 1024);
  await Promise.all(Array.from({ length: 100 }, () => engine['attention/summary']({ model: CODE_LM, text: text1024, maxTokens: 4096 }, never)));
  const after100Mb = rssMb();
  const peak100Mb = process.resourceUsage().maxRSS / 1024;
  const text2048 = textOf(tok, source, 2048);
  for (let i = 0; i < 3; i++) await engine['lm/nextToken']({ model: CODE_LM, text: text2048, topK: 10, maxTokens: 4096 }, never);
  const after2048Mb = rssMb();
  await sleep(IDLE_MS + 1500); // the engine's idle release runs, then the allocator settles
  const idleMb = rssMb();
  console.log(`RSSLOAD ${JSON.stringify({ loadedMb, after100Mb, peak100Mb, after2048Mb, idleMb })}`);
}

void main();
