// Future-token probes on 200,000 positions of the bundled code LM (target: ≤ 2 minutes), the whole
// future/train request: hidden states of every layer, the n-gram lookup, and 5 layers × 4 k probes.
// Corpus: TypeScript's own lib/*.d.ts files from node_modules (no download), taken in name order
// until 200,000 tokens. Run alone: npm run bench -- future (it is not in the default run: minutes).
import { performance } from 'node:perf_hooks';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createEngineHandlers } from '../src/engine/engineHandlers';
import { LanguageModels } from '../src/engine/languageModels';
import { CODE_LM, ROOT } from '../test/helpers/paths';

const POSITIONS = 200_000;

async function main(): Promise<void> {
  const models = new LanguageModels({ provider: 'cpu', threads: 0 });
  const m = await models.load(CODE_LM);
  const dir = join(ROOT, 'node_modules', 'typescript', 'lib');
  const files: string[] = [];
  let tokens = 0;
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.d.ts')).sort()) {
    const path = join(dir, name);
    if (statSync(path).size > 1024 * 1024) continue; // the engine leaves such files out too
    const n = m.tokenizer.encode(readFileSync(path, 'utf8')).length;
    if (tokens + n > POSITIONS) continue;
    files.push(path);
    tokens += n;
  }
  await models.releaseAll();
  const engine = createEngineHandlers({ provider: 'cpu', threads: 0 });
  const t0 = performance.now();
  const r = await engine['future/train']({ model: CODE_LM, files, k: 4, seed: 0 }, { cancelled: false, onCancel: () => undefined });
  const seconds = (performance.now() - t0) / 1000;
  console.log(`${files.length} files, ${tokens.toLocaleString('en-US')} positions: future/train in ${seconds.toFixed(1)} s (target ≤ 120 s); ${r.trainPositions} training / ${r.testPositions} test positions per probe`);
  for (const c of r.layers) console.log(`  layer ${c.layer} t+${c.k}: top-1 ${(100 * c.top1).toFixed(1)}% top-5 ${(100 * c.top5).toFixed(1)}% n-gram ${(100 * c.ngramTop1).toFixed(1)}%`);
  console.log(`BENCH ${JSON.stringify({ bench: 'futureTokens', positions: tokens, files: files.length, seconds, targetSeconds: 120 })}`);
}

void main();
