import { InputError } from '../engine/errors';

// Webviews are untrusted: every field of every message is checked before use.

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

export function oneOf<T extends string>(value: unknown, options: readonly T[], what: string): T {
  if (typeof value !== 'string' || !(options as readonly string[]).includes(value)) {
    throw new InputError(`${what} must be one of ${options.join(', ')}.`);
  }
  return value as T;
}
