import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { checkRepoFilePath, isCommitHash } from './hubNames';

// The Hugging Face cache layout, the same one huggingface_hub writes, so a model fetched by Python
// is used here without a download and the other way round:
//   {cacheDir}/models--{org}--{name}/blobs/{sha256 or git sha1}       the bytes, once
//   {cacheDir}/models--{org}--{name}/snapshots/{commit}/{path}        relative symlink to the blob
//   {cacheDir}/models--{org}--{name}/refs/{revision}                  the commit a branch pointed at

export function repoCacheDir(cacheDir: string, repo: string): string {
  return join(cacheDir, `models--${repo.split('/').join('--')}`);
}

export function blobPath(repoDir: string, blob: string): string {
  return join(repoDir, 'blobs', blob);
}

export function snapshotDir(repoDir: string, commit: string): string {
  return join(repoDir, 'snapshots', commit);
}

/** The commit a revision names in the cache: itself when it is a commit hash, else refs/{revision}. */
export function cachedCommit(repoDir: string, revision: string): string | undefined {
  if (isCommitHash(revision)) return revision;
  try {
    const commit = readFileSync(join(repoDir, 'refs', ...revision.split('/')), 'utf8').trim();
    return isCommitHash(commit) ? commit : undefined;
  } catch {
    return undefined;
  }
}

/** Written after every file of a snapshot is in place, so a ref never points at half a download. */
export function writeRef(repoDir: string, revision: string, commit: string): void {
  if (isCommitHash(revision)) return;
  const path = join(repoDir, 'refs', ...revision.split('/'));
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, commit);
  renameSync(tmp, path);
}

/** True when the snapshot holds the file (a link whose blob is there, or a copy). */
export function snapshotHas(snapshot: string, path: string): boolean {
  return existsSync(join(snapshot, ...path.split('/')));
}

/**
 * Puts a verified blob at its path in the snapshot: a relative symlink like huggingface_hub's
 * (`../../blobs/<sha>` from the snapshot's depth), or a copy where the file system refuses links
 * (Windows without developer mode, some network drives). Replaces whatever was there.
 */
export function linkIntoSnapshot(repoDir: string, commit: string, path: string, blob: string): string {
  checkRepoFilePath(path, repoDir);
  const snapshot = snapshotDir(repoDir, commit);
  const target = join(snapshot, ...path.split('/'));
  const blobFile = blobPath(repoDir, blob);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  try {
    symlinkSync(relative(dirname(target), blobFile).split(sep).join('/'), tmp);
  } catch {
    copyFileSync(blobFile, tmp);
  }
  renameSync(tmp, target);
  return target;
}
