import { copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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

/** model.onnx_data, model.onnx.data, model.onnx_data_1: an ONNX graph's external data. */
export function isOnnxExternalData(path: string): boolean {
  return /\.onnx[._]data/.test(path.slice(path.lastIndexOf('/') + 1));
}

/**
 * Puts a verified blob at its path in the snapshot: a relative symlink like huggingface_hub's
 * (`../../blobs/<sha>` from the snapshot's depth), or a copy where the file system refuses links
 * (Windows without developer mode, some network drives). Replaces whatever was there.
 * External data is hard-linked instead: onnxruntime 1.30 resolves an external-data path through
 * links and refuses one that lands outside the graph's folder (blobs/ is outside), while a hard
 * link is the same bytes inside it; huggingface_hub reads either.
 */
export function linkIntoSnapshot(repoDir: string, commit: string, path: string, blob: string): string {
  checkRepoFilePath(path, repoDir);
  const snapshot = snapshotDir(repoDir, commit);
  const target = join(snapshot, ...path.split('/'));
  const blobFile = blobPath(repoDir, blob);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  placeBlob(blobFile, tmp, isOnnxExternalData(path) ? 'hard' : 'symbolic');
  renameSync(tmp, target);
  return target;
}

function placeBlob(blobFile: string, at: string, kind: 'hard' | 'symbolic'): void {
  try {
    if (kind === 'hard') linkSync(blobFile, at);
    else symlinkSync(relative(dirname(at), blobFile).split(sep).join('/'), at);
  } catch {
    copyFileSync(blobFile, at);
  }
}

/**
 * A snapshot huggingface_hub wrote has its external data as symlinks into blobs/, which
 * onnxruntime refuses (see linkIntoSnapshot): each such link in the graph's folder becomes a hard
 * link to the same blob (a copy across file systems). The bytes and the layout stay the same.
 */
export function hardenExternalData(folder: string): void {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(folder, name);
    if (!isOnnxExternalData(name) || !lstatSync(path).isSymbolicLink() || !existsSync(path)) continue;
    const tmp = `${path}.${process.pid}.tmp`;
    rmSync(tmp, { force: true });
    placeBlob(realpathSync(path), tmp, 'hard');
    renameSync(tmp, path);
  }
}
