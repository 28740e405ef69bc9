import { InputError } from '../engine/errors';

// Untrusted messages (webviews → host, host → engine) are checked field by field before use.
// `what` names the field (and the method or message it came in) in the one-line error.

export function asObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError(`${what}: expected an object.`);
  return value as Record<string, unknown>;
}

export function intIn(value: unknown, min: number, max: number, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InputError(`${what} must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

export function numberIn(value: unknown, min: number, max: number, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new InputError(`${what} must be a number from ${min} to ${max}.`);
  }
  return value;
}

export function shortString(value: unknown, maxLength: number, what: string): string {
  if (typeof value !== 'string' || value.length > maxLength) throw new InputError(`${what} must be text of at most ${maxLength} characters.`);
  return value;
}

/** A string that must not be empty (a model path, an output file). */
export function nonEmptyString(value: unknown, maxLength: number, what: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw new InputError(`${what} must be non-empty text of at most ${maxLength} characters.`);
  }
  return value;
}

export function oneOf<T extends string>(value: unknown, options: readonly T[], what: string): T {
  if (typeof value !== 'string' || !(options as readonly string[]).includes(value)) {
    throw new InputError(`${what} must be one of ${options.join(', ')}.`);
  }
  return value as T;
}

/** An array of at most `maxItems`, each item checked by `item` (its index joins the name). */
export function listOf<T>(value: unknown, maxItems: number, what: string, item: (v: unknown, what: string) => T): T[] {
  if (!Array.isArray(value) || value.length > maxItems) throw new InputError(`${what} must be a list of at most ${maxItems} items.`);
  return value.map((v, i) => item(v, `${what}[${i}]`));
}

/** `undefined` stays absent; anything else must pass `check`. */
export function optional<T>(value: unknown, what: string, check: (v: unknown, what: string) => T): T | undefined {
  return value === undefined ? undefined : check(value, what);
}
