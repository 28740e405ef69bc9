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
  variant?: string;
  json: boolean;
  names?: string;
  out?: string;
  'seq-len'?: string;
  seed?: string;
  batch?: string;
  position?: string;
  target?: string;
  dataset?: string;
  files?: string;
  layer?: string;
  pool?: string;
  source?: string;
  text?: string;
  method?: string;
  k?: string;
  /** download / a repo id --model: branch, tag or commit */
  revision?: string;
  /** baseline and future: the corpus glob; baseline: the n-gram order, the shortest verbatim match reported */
  corpus?: string;
  order?: string;
  'min-match'?: string;
  /** ablate / patch / attribute (interventions) */
  heads?: string;
  mode?: string;
  clean?: string;
  corrupt?: string;
  answer?: string;
  wrong?: string;
  hook?: string;
  vs?: string;
  /** activations --image FILE (an image model's activations) */
  image?: string;
  /** rollout: head fusion and discard ratio */
  fusion?: string;
  'discard-ratio'?: string;
  /** activations: an audio file instead of text */
  audio?: string;
  /** crossmap: the source (image or audio) and target (text) models, and a JSONL of pairs */
  from?: string;
  to?: string;
  pairs?: string;
  /** --model as typed (ctx.model is it resolved, or the text default when absent) */
  model?: string;
}

export type CliCommand = (ctx: CliContext) => Promise<number>;

/** The ranges the numeric options accept (the editor settings' ranges where there is one). */
export const LIMITS = {
  '--top-k': { min: 1, max: 1_000_000 },
  '--max-tokens': { min: 1, max: 32_768 },
  '--threads': { min: 0, max: 64 },
  '--seq-len': { min: 1, max: 16_384 },
  '--batch': { min: 1, max: 1024 },
  '--seed': { min: 0, max: 2 ** 32 - 1 },
  '--layer': { min: 0, max: 10_000 },
  '--k': { min: 1, max: 1000 },
  '--order': { min: 1, max: 5 },
  '--min-match': { min: 1, max: 100_000 },
} as const;

/** A whole number in [min, max], or an error that names the option, the range and what was given. */
export function intOption(text: string | undefined, flag: string, min: number, max: number): number {
  const n = text !== undefined && /^[+-]?\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = Number.isFinite(max) ? `from ${min} to ${max.toLocaleString('en-US')}` : `≥ ${min}`;
    throw new InputError(`${flag} must be a whole number ${range} (got "${shorten(text ?? '')}").`);
  }
  return n;
}

/** One of the options in LIMITS, or its default when not given. */
export function limitedOption(options: CliOptions, flag: keyof typeof LIMITS, fallback?: number): number {
  const text = (options as unknown as Record<string, string | undefined>)[flag.slice(2)];
  if (text === undefined && fallback !== undefined) return fallback;
  return intOption(text, flag, LIMITS[flag].min, LIMITS[flag].max);
}

export function oneTextArgument(ctx: CliContext, command: string): string {
  if (ctx.args.length !== 1) throw new InputError(`${command} takes exactly one text argument (quote it).`);
  return ctx.args[0];
}

/** Echoed user text in messages stays short (a 40 KB argument is not printed back). */
export function shorten(text: string, max = 40): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
