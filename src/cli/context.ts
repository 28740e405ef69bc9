import { InputError } from '../engine/errors';
import type { Handlers, CancelSignal } from '../protocol/rpc';
import type { EngineApi } from '../protocol/engine';

/** Everything a CLI command gets: parsed options, its positional arguments and the in-process engine. */
export interface CliContext {
  model: string;
  options: CliOptions;
  args: string[];
  engine: Handlers<EngineApi>;
  signal: CancelSignal;
  out(text: string): void;
  note(text: string): void;
}

export interface CliOptions {
  'top-k': string;
  'max-tokens': string;
  threads: string;
  json: boolean;
  names?: string;
  out?: string;
  'seq-len'?: string;
  seed?: string;
  batch?: string;
  position?: string;
  target?: string;
}

export type CliCommand = (ctx: CliContext) => Promise<number>;

export function positiveInt(text: string | undefined, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InputError(`${flag} must be a positive whole number (got "${text}").`);
  return n;
}

export function oneTextArgument(ctx: CliContext, command: string): string {
  if (ctx.args.length !== 1) throw new InputError(`${command} takes exactly one text argument (quote it).`);
  return ctx.args[0];
}
