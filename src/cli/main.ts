// `tensorloupe` command line: the engine in-process, the same numbers as the panels.
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { createEngineHandlers } from '../engine/engineHandlers';
import { defaultModelDir } from '../util/paths';
import { visibleToken } from '../util/format';
import { RpcError } from '../protocol/rpc';
import { InputError } from '../engine/errors';
import { looksBinary } from '../util/text';

const USAGE = `Usage:
  tensorloupe next-token [--model DIR] [--top-k N] [--max-tokens N] [--json] "text"
  tensorloupe surprisal  [--model DIR] [--max-tokens N] [--json] <file | ->

Options:
  --model DIR       model folder in Hugging Face layout (default: the bundled tensorloupe-code-lm)
  --top-k N         candidates to print (default 10)
  --max-tokens N    longest input read (default 2048)
  --json            machine-readable output
  --threads N       onnxruntime intra-op threads (default: onnxruntime's choice)`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      model: { type: 'string' },
      'top-k': { type: 'string', default: '10' },
      'max-tokens': { type: 'string', default: '2048' },
      threads: { type: 'string', default: '0' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return command || values.help ? 0 : 2;
  }
  const model = values.model ?? defaultModelDir();
  const topK = positiveInt(values['top-k'], '--top-k');
  const maxTokens = positiveInt(values['max-tokens'], '--max-tokens');
  const engine = createEngineHandlers({ provider: 'cpu', threads: Number(values.threads) || 0 });
  const never = { cancelled: false, onCancel: () => undefined };

  if (command === 'next-token') {
    if (rest.length !== 1) throw new InputError('next-token takes exactly one text argument (quote it).');
    const r = await engine['lm/nextToken']({ model, text: rest[0], topK, maxTokens }, never);
    const next = r.next.slice(0, topK);
    if (values.json) {
      const out = {
        model: r.model.name,
        tokens: r.tokens.map((t) => ({ id: t.id, text: t.text })),
        next: next.map((c) => ({ id: c.id, text: c.text, prob: c.prob, logit: c.logit })),
        ...(r.truncation ? { truncation: r.truncation } : {}),
      };
      process.stdout.write(`${JSON.stringify(out)}\n`);
    } else {
      if (r.truncation) process.stderr.write(`note: ${r.truncation.reason}\n`);
      process.stdout.write(`model ${r.model.name} · ${r.tokens.length} tokens · entropy ${r.positions[r.positions.length - 1].entropyBits.toFixed(3)} bits\n`);
      process.stdout.write(`${'rank'.padStart(4)}  ${'id'.padStart(6)}  ${'prob'.padStart(8)}  ${'logit'.padStart(8)}  token\n`);
      for (const c of next) {
        process.stdout.write(`${String(c.rank).padStart(4)}  ${String(c.id).padStart(6)}  ${c.prob.toFixed(6)}  ${c.logit.toFixed(4).padStart(8)}  ${visibleToken(c.text)}\n`);
      }
    }
    return 0;
  }
  if (command === 'surprisal') {
    if (rest.length !== 1) throw new InputError('surprisal takes one file path (or - for standard input).');
    const buffer = rest[0] === '-' ? readFileSync(0) : readFileSync(rest[0]);
    if (looksBinary(buffer)) throw new InputError(`${rest[0]} looks like a binary file; surprisal reads text.`);
    const r = await engine['lm/surprisal']({ model, text: buffer.toString('utf8'), maxTokens, alternatives: 5 }, never);
    if (r.truncation) process.stderr.write(`note: ${r.truncation.reason}\n`);
    if (r.window) process.stderr.write(`note: longer than the context; scored in ${r.window.count} windows of ${r.window.size} tokens\n`);
    if (values.json) {
      const out = { model: r.model.name, meanBits: r.meanBits, tokens: r.tokens.map((t) => ({ id: t.id, text: t.text, start: t.start, end: t.end, bits: t.bits, prob: t.prob, rank: t.rank })) };
      process.stdout.write(`${JSON.stringify(out)}\n`);
    } else {
      for (const t of r.tokens) process.stdout.write(`${t.bits.toFixed(3).padStart(8)}  ${String(t.rank).padStart(5)}  ${visibleToken(t.text)}\n`);
      process.stdout.write(`mean ${r.meanBits.toFixed(3)} bits/token over ${r.tokens.length} tokens\n`);
    }
    return 0;
  }
  throw new InputError(`Unknown command "${command}".\n${USAGE}`);
}

function positiveInt(text: string | undefined, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`${flag} must be a positive whole number (got "${text}").`);
  return n;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof RpcError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
    process.stderr.write(`tensorloupe: ${message}\n`);
    process.exit(1);
  },
);
