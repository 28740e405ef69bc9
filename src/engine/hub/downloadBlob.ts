import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CancelledError } from '../../protocol/rpc';
import { HubError, HubIntegrityError } from './hubErrors';
import { encodePath, hubGet } from './hubHttp';
import { blobPath } from './hubCache';
import { blobLockPath, withBlobLock } from './blobLock';
import type { HubEnv } from './hubEnv';

/** One file of a tree listing, with what it is checked against. */
export interface HubFile {
  path: string;
  size: number;
  /** LFS files: the sha256 of the bytes (also the blob's name) */
  sha256?: string;
  /** other files: the git blob sha1 (also the blob's name, as huggingface_hub names them by ETag) */
  gitSha1?: string;
}

export function blobName(file: HubFile): string {
  return (file.sha256 ?? file.gitSha1) as string;
}

export interface BlobRequest {
  env: HubEnv;
  repo: string;
  repoDir: string;
  commit: string;
  file: HubFile;
  signal?: AbortSignal;
  /** bytes of this file on disk so far (may go down when a server ignores Range and starts again) */
  onBytes?: (done: number) => void;
  /** another process is downloading this blob: we wait for it (holder: "pid 123 on host") */
  onWait?: (holder: string) => void;
}

/** Transfers that break mid-body are resumed from where they stopped this many times before giving up. */
const ATTEMPTS = 4;

/**
 * Fetches one blob into `blobs/<hash>`: the bytes go to `<hash>.incomplete`, a broken transfer is
 * resumed with `Range: bytes=N-` (this call's retries, or a later call after the process stopped),
 * the whole file is hashed against the Hub's sha256 (LFS) or git sha1, and only then renamed into
 * place. A mismatch deletes the partial file: nothing unverified is ever used.
 * All of it runs holding the blob's lock (blobLock.ts), so two processes never write one
 * `.incomplete` file; the one that waited finds the blob in place and fetches nothing.
 */
export async function downloadBlob(req: BlobRequest): Promise<string> {
  const target = blobPath(req.repoDir, blobName(req.file));
  if (existsSync(target) && statSync(target).size === req.file.size) return target;
  mkdirSync(dirname(target), { recursive: true });
  return withBlobLock(blobLockPath(req.repoDir, blobName(req.file)), { signal: req.signal, onWait: req.onWait }, async () => {
    if (existsSync(target) && statSync(target).size === req.file.size) return target;
    return fetchBlob(req, target);
  });
}

async function fetchBlob(req: BlobRequest, target: string): Promise<string> {
  const { file } = req;
  const partial = `${target}.incomplete`;
  let lastError: unknown;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    let have = existsSync(partial) ? statSync(partial).size : 0;
    if (have > file.size) {
      rmSync(partial, { force: true });
      have = 0;
    }
    if (have === file.size) break;
    try {
      await transfer(req, partial, have);
      lastError = undefined;
      break;
    } catch (error) {
      if (req.signal?.aborted) throw new CancelledError();
      if (error instanceof HubError || error instanceof HubIntegrityError) throw error;
      lastError = error;
    }
  }
  const have = existsSync(partial) ? statSync(partial).size : 0;
  if (have !== file.size) {
    if (have > file.size) rmSync(partial, { force: true });
    const why = lastError ? ` (${(lastError as Error).message})` : '';
    throw new HubError(`${req.repo}: ${file.path} stopped at ${have} of ${file.size} bytes after ${ATTEMPTS} tries${why}; run the download again to resume it.`);
  }
  await verify(req, partial);
  renameSync(partial, target);
  return target;
}

async function transfer(req: BlobRequest, partial: string, have: number): Promise<void> {
  const url = `${req.env.endpoint}/${req.repo}/resolve/${req.commit}/${encodePath(req.file.path)}`;
  const res = await hubGet(url, {
    env: req.env,
    repo: req.repo,
    what: req.file.path,
    signal: req.signal,
    onHeaders: (headers, hop) => hop === 0 && checkResolveHeaders(req, headers),
    headers: have > 0 ? { range: `bytes=${have}-` } : {},
  });
  // 206 continues the partial file; a 200 (a server that ignores Range) starts it again
  const resumed = res.status === 206 && have > 0 && contentRangeStart(res.headers.get('content-range')) === have;
  const handle = await open(partial, resumed ? 'a' : 'w');
  let done = resumed ? have : 0;
  req.onBytes?.(done);
  try {
    if (!res.body) throw new Error('empty response');
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      await handle.write(chunk);
      done += chunk.byteLength;
      if (done > req.file.size) break;
      req.onBytes?.(done);
    }
  } finally {
    await handle.close();
  }
}

/**
 * The resolve endpoint's own word on the file, before a byte is read: X-Repo-Commit must be the
 * commit asked for, and its ETag (X-Linked-Etag for LFS files) the hash the file list gave.
 */
function checkResolveHeaders(req: BlobRequest, headers: Headers): void {
  const commit = headers.get('x-repo-commit');
  if (commit && commit !== req.commit) {
    throw new HubError(`${req.repo}: ${req.file.path} came from commit ${commit.slice(0, 12)}, not ${req.commit.slice(0, 12)} as asked; try again.`);
  }
  const etag = (headers.get('x-linked-etag') ?? headers.get('etag') ?? '').replace(/^W\//, '').replace(/"/g, '');
  if (/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(etag) && etag !== blobName(req.file)) {
    throw new HubIntegrityError(`${req.repo}: the Hub's ETag for ${req.file.path} (${etag.slice(0, 12)}…) is not the hash its file list gave (${blobName(req.file).slice(0, 12)}…); nothing was downloaded.`);
  }
}

function contentRangeStart(header: string | null): number | undefined {
  const m = header ? /^bytes (\d+)-/.exec(header) : null;
  return m ? Number(m[1]) : undefined;
}

async function verify(req: BlobRequest, partial: string): Promise<void> {
  const { file } = req;
  const hash = createHash(file.sha256 ? 'sha256' : 'sha1');
  // git names a blob by sha1("blob <size>\0" + bytes)
  if (!file.sha256) hash.update(`blob ${file.size}\0`);
  for await (const chunk of createReadStream(partial)) hash.update(chunk as Buffer);
  const got = hash.digest('hex');
  const want = blobName(file);
  if (got !== want) {
    rmSync(partial, { force: true });
    const kind = file.sha256 ? 'sha256' : 'git sha1';
    throw new HubIntegrityError(`${req.repo}: ${file.path} does not match the Hub's ${kind} (expected ${want.slice(0, 12)}…, got ${got.slice(0, 12)}…); the download was discarded, nothing was kept.`);
  }
}
