import { formatBytes } from './format';
import { closeSync, fstatSync, lstatSync, openSync, readlinkSync, readSync } from 'node:fs';

/** How a bounded read fails: the caller picks the error class (model, tokenizer, input). */
export type FailWith = (message: string) => Error;

/** Longest config.json / tokenizer_config.json read (real ones are a few KB; chat templates add tens). */
export const MAX_CONFIG_BYTES = 16 * 2 ** 20;
/** Longest tokenizer.json read (large vocabularies with merges run to ~20 MB). */
export const MAX_TOKENIZER_BYTES = 256 * 2 ** 20;

/** Whether `path` names anything, a dangling symbolic link included (existsSync says no to those). */
export function existsOrLink(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The user-facing reason a path could not be opened, from its errno code. */
export function openFailure(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    const link = danglingLinkTarget(path);
    return link !== undefined ? `${path} is a symbolic link to ${link}, which does not exist` : `${path} does not exist`;
  }
  if (code === 'EISDIR') return `${path} is a folder, not a file`;
  if (code === 'EACCES' || code === 'EPERM') return `${path} cannot be read (permission denied)`;
  if (code === 'ELOOP') return `${path} is a loop of symbolic links`;
  if (code === 'ENOTDIR') return `${path} does not exist (a part of the path is a file, not a folder)`;
  return `${path} cannot be read (${code ?? (error as Error).message ?? String(error)})`;
}

function danglingLinkTarget(path: string): string | undefined {
  try {
    return lstatSync(path).isSymbolicLink() ? readlinkSync(path) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads a whole file but never more than `maxBytes`: /dev/zero, a FIFO
 * or a multi-GB file given by mistake ends in an error naming the file, not in an exhausted heap.
 * `label` is how the file is named in messages (its path, or "standard input").
 */
export function readBounded(path: string, maxBytes: number, fail: FailWith, label = path): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw fail(`${openFailure(label, error)}.`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw fail(`${label} is a folder, not a file.`);
    if (stat.isFile() && stat.size > maxBytes) throw fail(tooBig(label, maxBytes, stat.size));
    // devices and pipes report no size: read in chunks and stop one byte past the bound
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(2 ** 20, maxBytes + 1 - total));
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (error) {
        throw fail(`${openFailure(label, error)}.`);
      }
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > maxBytes) throw fail(tooBig(label, maxBytes));
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

/** readBounded as UTF-8 text. */
export function readBoundedText(path: string, maxBytes: number, fail: FailWith): string {
  return readBounded(path, maxBytes, fail).toString('utf8');
}

/** Standard input, read to its end but never past `maxBytes` (`cat /dev/zero | tensorloupe surprisal -`). */
export async function readStdinBounded(maxBytes: number, fail: FailWith): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    total += chunk.length;
    if (total > maxBytes) {
      process.stdin.destroy();
      throw fail(tooBig('standard input', maxBytes));
    }
  }
  return Buffer.concat(chunks, total);
}

function tooBig(label: string, maxBytes: number, size?: number): string {
  return `${label} is ${size === undefined ? 'longer than' : `${formatBytes(size)}, more than`} the ${formatBytes(maxBytes)} Tensorloupe reads from it.`;
}
