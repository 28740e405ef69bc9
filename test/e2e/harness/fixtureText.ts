// Text of the sample workspace's files, to know exactly what a UI selection contains.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureWorkspace } from './paths';

export function fixtureText(name: string): string {
  return readFileSync(join(fixtureWorkspace, name), 'utf8');
}

/** Lines [from, to] (1-based, inclusive) joined with \n, as a whole-line editor selection holds them. */
export function fixtureLines(name: string, from: number, to: number): string {
  return fixtureText(name).split('\n').slice(from - 1, to).join('\n');
}
