import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { hubEnv, type HubEnv } from './hubEnv';
import { isRepoId } from './hubNames';
import { hardenExternalData, repoCacheDir } from './hubCache';
import { cachedSnapshot, downloadModel, type DownloadProgress } from './downloadModel';
import { checkHubVariant } from './hubVariants';

export interface ModelArgumentOptions {
  env?: HubEnv;
  variant?: string;
  revision?: string;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
  /** which cached commit was used when the Hub could not be asked (offline, unreachable) */
  onNote?: (text: string) => void;
}

/**
 * `org/name` that is not a path here: neither it nor its first part exists, so a mistyped local
 * path (`models/my-modle`) is reported as missing instead of being looked up on the Hub.
 */
export function isHubModelArgument(model: string): boolean {
  return isRepoId(model) && !existsSync(model) && !existsSync(model.split('/')[0]);
}

/**
 * A `--model` value as a folder: a path that exists stays as it is; `org/name` that is not a path
 * becomes its Hugging Face cache snapshot (downloaded first when it is not cached); anything else
 * is returned for the model resolver to report.
 */
export async function resolveModelArgument(model: string, opts: ModelArgumentOptions = {}): Promise<string> {
  if (!isHubModelArgument(model)) {
    prepareSnapshotPath(model);
    return model;
  }
  const result = await downloadModel({ repo: model, revision: opts.revision, variant: opts.variant, env: opts.env, signal: opts.signal, onProgress: opts.onProgress });
  if (result.note) opts.onNote?.(result.note);
  return result.snapshot;
}

/** The cached snapshot of a repo id, without any request (the editor's setting reads it synchronously). */
export function cachedModelFolder(repo: string, opts: { env?: HubEnv; revision?: string; variant?: string } = {}): string | undefined {
  if (!isRepoId(repo)) return undefined;
  const env = opts.env ?? hubEnv();
  return cachedSnapshot(repoCacheDir(env.cacheDir, repo), opts.revision ?? 'main', checkHubVariant(opts.variant))?.snapshot;
}

/** "org/name" for a folder inside the Hugging Face cache (models--org--name/snapshots/<commit>), else undefined. */
export function repoIdOfSnapshot(dir: string): string | undefined {
  const m = /(?:^|[\\/])models--([^\\/]+?)--([^\\/]+)[\\/]snapshots[\\/][0-9a-f]{40}(?:[\\/]|$)/.exec(dir);
  return m ? `${m[1]}/${m[2]}` : undefined;
}

/**
 * A path into a Hugging Face cache snapshot, given as a path rather than a repo id: its
 * external-data symlinks become hard links, as for a repo id (hubCache.hardenExternalData says why).
 */
export function prepareSnapshotPath(model: string): void {
  const path = resolve(model);
  if (!repoIdOfSnapshot(path) || !existsSync(path)) return;
  const dirs = statSync(path).isDirectory() ? [path, join(path, 'onnx')] : [dirname(path)];
  for (const dir of dirs) hardenExternalData(dir);
}
