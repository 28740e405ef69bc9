// The command line's options as data, and a parse that answers every mistake in one line naming
// the option (node's parseArgs texts are several lines, one with an unbalanced quote, and call
// `--batch -1` "ambiguous").
import { parseArgs } from 'node:util';
import { InputError } from '../engine/errors';
import type { CliOptions } from './context';

const OPTIONS = {
  model: { type: 'string' },
  variant: { type: 'string' },
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
  dataset: { type: 'string' },
  files: { type: 'string' },
  layer: { type: 'string' },
  pool: { type: 'string' },
  source: { type: 'string' },
  text: { type: 'string' },
  method: { type: 'string' },
  k: { type: 'string' }, // neighbours/analogy default 10, future 4
  provider: { type: 'string' },
  revision: { type: 'string' },
  corpus: { type: 'string' },
  order: { type: 'string' },
  'min-match': { type: 'string' },
  heads: { type: 'string' },
  mode: { type: 'string' },
  clean: { type: 'string' },
  corrupt: { type: 'string' },
  answer: { type: 'string' },
  wrong: { type: 'string' },
  hook: { type: 'string' },
  vs: { type: 'string' },
  image: { type: 'string' },
  fusion: { type: 'string' },
  'discard-ratio': { type: 'string' },
  audio: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  pairs: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', short: 'v', default: false },
} as const;

type OptionName = keyof typeof OPTIONS;

export interface ParsedCli {
  options: CliOptions & { model?: string; provider?: string; help: boolean; version: boolean };
  positionals: string[];
}

function optionNamed(arg: string): OptionName | undefined {
  if (arg.startsWith('--')) {
    const name = arg.slice(2).split('=')[0];
    return name in OPTIONS ? (name as OptionName) : undefined;
  }
  const short = Object.entries(OPTIONS).find(([, o]) => 'short' in o && `-${o.short}` === arg);
  return short?.[0] as OptionName | undefined;
}

/**
 * Joins `--opt VALUE` into `--opt=VALUE` for string options, so a value that starts with a dash
 * (`--batch -1`, `--target -`) reaches the option and its range check instead of parseArgs.
 */
function joinValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const name = arg.startsWith('-') && !arg.includes('=') ? optionNamed(arg) : undefined;
    if (name && OPTIONS[name].type === 'string') {
      if (i + 1 >= argv.length) throw new InputError(`--${name} needs a value; see tensorloupe --help.`);
      out.push(`--${name}=${argv[++i]}`);
      continue;
    }
    if (arg.startsWith('-') && arg !== '-' && !optionNamed(arg)) {
      const shown = arg.length > 40 ? `${arg.slice(0, 40)}…` : arg;
      throw new InputError(`Unknown option ${shown}; see tensorloupe --help (text that starts with a dash goes after --).`);
    }
    if (arg.startsWith('--') && arg.includes('=') && OPTIONS[optionNamed(arg) as OptionName]?.type === 'boolean') {
      throw new InputError(`--${optionNamed(arg)} takes no value.`);
    }
    out.push(arg);
  }
  return out;
}

export function parseCli(argv: string[]): ParsedCli {
  const { values, positionals } = parseArgs({ args: joinValues(argv), allowPositionals: true, strict: true, options: OPTIONS });
  return { options: values as ParsedCli['options'], positionals };
}

const PROVIDERS = ['auto', 'cpu', 'cuda', 'dml', 'coreml'] as const;

/** --provider: CPU unless asked (a CLI run's figures should not depend on the machine's GPU by default). */
export function providerOption(text: string | undefined): (typeof PROVIDERS)[number] {
  if (text === undefined) return 'cpu';
  const p = PROVIDERS.find((x) => x === text);
  if (!p) throw new InputError(`--provider must be one of ${PROVIDERS.join(', ')} (got "${text.slice(0, 40)}").`);
  return p;
}
