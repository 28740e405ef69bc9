// Next-token latency: cold load, warm latency in-process vs through the engine process, and the
// RPC overhead as a share of the forward pass. Prints a table and JSON lines (`BENCH {...}`).
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngineHandlers } from '../src/engine/engineHandlers';
import { LanguageModels } from '../src/engine/languageModels';
import { EngineClient } from '../src/host/engineClient';
import { TextTokenizer } from '../src/engine/preprocess/textTokenizer';
import { builtEnginePath, CODE_LM, ROOT } from '../test/helpers/paths';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 15);
const never = { cancelled: false, onCancel: () => undefined };
const settings = { provider: 'cpu' as const, threads: 0 };

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** A text of exactly `n` tokens (BOS included) cut from a real source file. */
function textOfTokens(tok: TextTokenizer, source: string, n: number): string {
  const ids = tok.encode(source).map((t) => t.id);
  if (ids.length < n) throw new Error(`sample has only ${ids.length} tokens`);
  return tok.decode(ids.slice(1, n));
}

async function main(): Promise<void> {
  const source = readFileSync(join(ROOT, 'test', 'fixtures', 'longSource.ts.txt'), 'utf8').repeat(3);
  const tok = new TextTokenizer(join(CODE_LM, 'tokenizer.json'));

  const cold: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await new LanguageModels(settings).load(CODE_LM);
    cold.push(performance.now() - t0);
  }
  const rows: Record<string, number | string>[] = [{ metric: 'cold model load (tokenizer + session), ms', value: median(cold).toFixed(1) }];
  console.log(`BENCH ${JSON.stringify({ name: 'cold_load_ms', value: median(cold) })}`);

  const inProcess = createEngineHandlers(settings);
  const client = new EngineClient({ enginePath: builtEnginePath(), settings });
  try {
    for (const n of [16, 128, 512]) {
      const text = textOfTokens(tok, source, n);
      const params = { model: CODE_LM, text, topK: 10, maxTokens: 4096 };
      await inProcess['lm/nextToken'](params, never);
      await client.call('lm/nextToken', params);
      const local: number[] = [];
      const forward: number[] = [];
      const remote: number[] = [];
      const transport: number[] = [];
      // Two loops, not interleaved: onnxruntime's worker threads spin for a while after a run, and
      // in-process runs would steal the engine process's cores (the extension host runs no ORT).
      for (let i = 0; i < REPEATS; i++) {
        const t0 = performance.now();
        const r = await inProcess['lm/nextToken'](params, never);
        local.push(performance.now() - t0);
        forward.push(r.forwardMs);
      }
      await new Promise((r) => setTimeout(r, 50));
      for (let i = 0; i < REPEATS; i++) {
        const t0 = performance.now();
        const viaEngine = await client.call('lm/nextToken', params);
        remote.push(performance.now() - t0);
        transport.push(remote[remote.length - 1] - viaEngine.engineMs); // IPC + serialisation both ways
      }
      const overhead = median(transport) / median(forward);
      rows.push(
        { metric: `${n} tokens: forward pass only, ms`, value: median(forward).toFixed(2) },
        { metric: `${n} tokens: next-token in-process, ms`, value: median(local).toFixed(2) },
        { metric: `${n} tokens: next-token via engine process, ms`, value: median(remote).toFixed(2) },
        { metric: `${n} tokens: RPC transport (round trip − engine time), ms`, value: median(transport).toFixed(2) },
        { metric: `${n} tokens: RPC overhead / forward (target ≤ 0.10)`, value: overhead.toFixed(3) },
      );
      console.log(`BENCH ${JSON.stringify({ name: `next_token_${n}`, forwardMs: median(forward), inProcessMs: median(local), engineMs: median(remote), transportMs: median(transport), rpcOverheadRatio: overhead })}`);
    }
  } finally {
    client.dispose();
  }
  console.table(rows);
}

void main();
