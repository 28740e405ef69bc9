// `tensorloupe` command line: the engine in-process, the same numbers as the panels.
import { parseArgs } from 'node:util';
import { createEngineHandlers } from '../engine/engineHandlers';
import { defaultModelDir } from '../util/paths';
import { RpcError } from '../protocol/rpc';
import { InputError } from '../engine/errors';
import type { CliCommand, CliOptions } from './context';
import { nextTokenCommand } from './commands/nextToken';
import { surprisalCommand } from './commands/surprisal';
import { activationsCommand } from './commands/activations';
import { lensCommand } from './commands/lens';
import { inductionCommand } from './commands/induction';

const USAGE = `Usage:
  tensorloupe next-token  [--model DIR] [--top-k N] [--max-tokens N] [--json] "text"
  tensorloupe surprisal   [--model DIR] [--max-tokens N] [--json] <file | ->
  tensorloupe activations [--model DIR] [--names 'blocks.*.attn.hook_pattern'] --out FILE.safetensors "text"
  tensorloupe lens        [--model DIR] [--top-k N] [--position P --target TOKEN|#ID] [--json] "text"
  tensorloupe induction   [--model DIR] [--seq-len N] [--batch N] [--seed N] [--json]

Options:
  --model DIR       model folder in Hugging Face layout (default: the bundled tensorloupe-code-lm)
  --top-k N         candidates to print (default 10)
  --max-tokens N    longest input read (default 2048)
  --json            machine-readable output
  --threads N       onnxruntime intra-op threads (default: onnxruntime's choice)`;

const COMMANDS: Record<string, CliCommand> = {
  'next-token': nextTokenCommand,
  surprisal: surprisalCommand,
  activations: activationsCommand,
  lens: lensCommand,
  induction: inductionCommand,
};

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
      names: { type: 'string' },
      out: { type: 'string' },
      'seq-len': { type: 'string' },
      seed: { type: 'string' },
      batch: { type: 'string' },
      position: { type: 'string' },
      target: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...args] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return command || values.help ? 0 : 2;
  }
  const run = COMMANDS[command];
  if (!run) throw new InputError(`Unknown command "${command}".\n${USAGE}`);
  return run({
    model: values.model ?? defaultModelDir(),
    options: values as CliOptions,
    args,
    engine: createEngineHandlers({ provider: 'cpu', threads: Number(values.threads) || 0 }),
    signal: { cancelled: false, onCancel: () => undefined },
    out: (text) => process.stdout.write(`${text}\n`),
    note: (text) => process.stderr.write(`note: ${text}\n`),
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof RpcError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
    process.stderr.write(`tensorloupe: ${message}\n`);
    process.exit(1);
  },
);
