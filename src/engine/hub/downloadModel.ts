import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CancelledError } from '../../protocol/rpc';
import { HubError } from './hubErrors';
import { hubEnv, type HubEnv } from './hubEnv';
import { hubJson, hubGet, repoUrl } from './hubHttp';
import { checkBlobName, checkRepoFilePath, checkRepoId, checkRevision, isCommitHash } from './hubNames';
import { cachedCommit, hardenExternalData, linkIntoSnapshot, repoCacheDir, snapshotDir, snapshotHas, writeRef } from './hubCache';
import { checkHubVariant, filesForVariant, SIDE_FILES, variantOnnxCandidates, type HubVariant } from './hubVariants';
import { blobName, downloadBlob, type HubFile } from './downloadBlob';

export interface DownloadProgress {
  /** the file being fetched now (a repo path) */
  file: string;
  /** bytes of the files to fetch on disk so far, and their total */
  bytes: number;
  total: number;
  /** mean bytes per second since the first byte of this download */
  rate: number;
  /** set while another download (another process) holds this file's lock: who holds it */
  waitingFor?: string;
}

export interface DownloadOptions {
  repo: string;
  /** branch, tag or commit; default main */
  revision?: string;
  /** transformers.js dtype name; default fp32 (onnx/model.onnx) */
  variant?: string;
  env?: HubEnv;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
}

export interface DownloadResult {
  repo: string;
  commit: string;
  /** the snapshot folder: a model folder in the Hugging Face layout */
  snapshot: string;
  /** repo paths in the snapshot that this variant uses */
  files: string[];
  /** true when no file was fetched: the cache already had the revision's commit */
  fromCache: boolean;
  /** said when the cached commit was used without the Hub's word on it (offline, or the Hub unreachable) */
  note?: string;
  /** bytes transferred by this call */
  downloaded: number;
}

interface TreeEntry {
  type?: string;
  path?: unknown;
  size?: unknown;
  oid?: unknown;
  lfs?: { oid?: unknown; size?: unknown };
}

/**
 * A Hub model in the local Hugging Face cache, fetching only what is missing. A commit hash that
 * is cached is used with no request at all. A branch or tag is asked of the Hub (one small
 * request, as huggingface_hub does) so a moved branch is noticed: its new commit is listed and
 * only the blobs not cached yet are fetched, then refs/{revision} moves. Offline (HF_HUB_OFFLINE=1)
 * or with the Hub out of reach, the cached ref is used, and `note` says which commit that is.
 */
export async function downloadModel(opts: DownloadOptions): Promise<DownloadResult> {
  // two requests for the same model at once (a panel's rerun while Select Model downloads) share
  // one transfer: two writers of one .incomplete file would corrupt it
  const key = JSON.stringify([(opts.env ?? hubEnv()).cacheDir, opts.repo, opts.revision ?? 'main', opts.variant ?? 'fp32']);
  const running = inFlight.get(key);
  if (running) return running;
  const started = fetchModel(opts).finally(() => inFlight.delete(key));
  inFlight.set(key, started);
  return started;
}

const inFlight = new Map<string, Promise<DownloadResult>>();

async function fetchModel(opts: DownloadOptions): Promise<DownloadResult> {
  const env = opts.env ?? hubEnv();
  const repo = checkRepoId(opts.repo);
  const revision = checkRevision(opts.revision ?? 'main');
  const variant = checkHubVariant(opts.variant);
  const repoDir = repoCacheDir(env.cacheDir, repo);
  const cached = cachedSnapshot(repoDir, revision, variant);
  const useCached = (note?: string): DownloadResult => ({ repo, commit: cached?.commit as string, snapshot: cached?.snapshot as string, files: cached?.files as string[], fromCache: true, downloaded: 0, note });
  // a commit never changes: its snapshot is final
  if (cached && isCommitHash(revision)) return useCached();
  if (env.offline) {
    if (cached) return useCached(`HF_HUB_OFFLINE is set: using the cached commit ${cached.commit.slice(0, 12)} of ${repo}@${revision}, not checked against the Hub.`);
    throw new HubError(`${repo}@${revision} (${variant}) is not in the Hugging Face cache ${env.cacheDir} and HF_HUB_OFFLINE is set: download it once online (tensorloupe download ${repo}).`);
  }
  let commit: string;
  let tree: HubFile[];
  try {
    commit = await resolveCommit(env, repo, revision, opts.signal);
    if (cached && cached.commit === commit) return useCached();
    tree = await listTree(env, repo, commit, opts.signal);
  } catch (error) {
    // the Hub out of reach or failing: what is cached still runs, as with huggingface_hub
    if (!cached || opts.signal?.aborted || !(error instanceof HubError)) throw error;
    const why = error.message.replace(/; set HF_HUB_OFFLINE=1 to use the cache only\.?$/, '');
    return useCached(`${why}; using the cached commit ${cached.commit.slice(0, 12)} of ${repo}@${revision}.`);
  }
  const byPath = new Map(tree.map((f) => [f.path, f]));
  const wanted = filesForVariant([...byPath.keys()], variant, repo).map((p) => byPath.get(p) as HubFile);
  const total = wanted.reduce((s, f) => s + f.size, 0);
  const doneOf = new Map<string, number>();
  const started = Date.now();
  let downloaded = 0;
  let lastReport = 0;
  const report = (file: string, force: boolean) => {
    const now = Date.now();
    if (!force && now - lastReport < 100) return;
    lastReport = now;
    const bytes = [...doneOf.values()].reduce((s, n) => s + n, 0);
    opts.onProgress?.({ file, bytes, total, rate: bytes / Math.max(0.001, (now - started) / 1000) });
  };
  for (const file of wanted) {
    if (opts.signal?.aborted) throw new CancelledError();
    const before = { n: -1 };
    await downloadBlob({
      env,
      repo,
      repoDir,
      commit,
      file,
      signal: opts.signal,
      onWait: (holder) => {
        const bytes = [...doneOf.values()].reduce((sum, n) => sum + n, 0);
        opts.onProgress?.({ file: file.path, bytes, total, rate: 0, waitingFor: holder });
      },
      onBytes: (done) => {
        if (before.n < 0) before.n = done;
        doneOf.set(file.path, done);
        report(file.path, false);
      },
    });
    downloaded += before.n < 0 ? 0 : file.size - before.n;
    doneOf.set(file.path, file.size);
    report(file.path, true);
    linkIntoSnapshot(repoDir, commit, file.path, blobName(file));
  }
  writeRef(repoDir, revision, commit);
  return { repo, commit, snapshot: snapshotDir(repoDir, commit), files: wanted.map((f) => f.path), fromCache: false, downloaded };
}

/** The cached snapshot a revision names, when it holds the variant's graph and its side files. */
export function cachedSnapshot(repoDir: string, revision: string, variant: HubVariant): { commit: string; snapshot: string; files: string[] } | undefined {
  const commit = cachedCommit(repoDir, revision);
  if (!commit) return undefined;
  const snapshot = snapshotDir(repoDir, commit);
  if (!existsSync(snapshot)) return undefined;
  const onnx = variantOnnxCandidates(variant).find((p) => snapshotHas(snapshot, p));
  const side = SIDE_FILES.filter((p) => snapshotHas(snapshot, p));
  if (!onnx || side.length === 0) return undefined;
  hardenExternalData(join(snapshot, ...onnx.split('/').slice(0, -1)));
  return { commit, snapshot, files: [onnx, ...side] };
}

/**
 * The commit a revision names on the Hub now. Bounded in time (HF_HUB_ETAG_TIMEOUT, as
 * huggingface_hub bounds its metadata request): a network that swallows packets must not keep a
 * cached model from running.
 */
async function resolveCommit(env: HubEnv, repo: string, revision: string, signal?: AbortSignal): Promise<string> {
  const url = revision === 'main' ? repoUrl(env, repo) : `${repoUrl(env, repo)}/revision/${encodeURIComponent(revision)}`;
  const limitMs = env.metadataTimeoutMs ?? 10_000;
  const timeout = AbortSignal.timeout(limitMs);
  let info: { sha?: unknown };
  try {
    info = await hubJson<{ sha?: unknown }>(url, { env, repo, what: `revision ${revision}`, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
  } catch (error) {
    if (timeout.aborted && !signal?.aborted) throw new HubError(`${repo}: ${env.endpoint} did not answer for revision ${revision} within ${limitMs / 1000} s (HF_HUB_ETAG_TIMEOUT); set HF_HUB_OFFLINE=1 to use the cache only.`);
    throw error;
  }
  if (typeof info.sha !== 'string' || !isCommitHash(info.sha)) throw new HubError(`${repo}: the Hub's answer for revision ${revision} has no commit hash.`);
  if (isCommitHash(revision) && info.sha !== revision) throw new HubError(`${repo}: asked for commit ${revision}, the Hub answered ${info.sha}.`);
  return info.sha;
}

/** Every file of the commit (recursive, following the Hub's `Link: <…>; rel="next"` pages), names checked. */
async function listTree(env: HubEnv, repo: string, commit: string, signal?: AbortSignal): Promise<HubFile[]> {
  const files: HubFile[] = [];
  let url: string | undefined = `${repoUrl(env, repo)}/tree/${commit}?recursive=true`;
  for (let page = 0; url && page < 1000; page++) {
    const res = await hubGet(url, { env, repo, what: 'the file list', signal });
    let entries: unknown;
    try {
      entries = await res.json();
    } catch {
      throw new HubError(`${repo}: the file list from ${env.endpoint} is not JSON.`);
    }
    if (!Array.isArray(entries)) throw new HubError(`${repo}: the file list from ${env.endpoint} is not a list.`);
    for (const e of entries as TreeEntry[]) {
      if (e.type !== 'file') continue;
      files.push(treeFile(e, repo));
    }
    const next = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '');
    url = next ? new URL(next[1], url).toString() : undefined;
  }
  return files;
}

function treeFile(e: TreeEntry, repo: string): HubFile {
  const path = checkRepoFilePath(typeof e.path === 'string' ? e.path : '', repo);
  const size = typeof e.lfs?.size === 'number' ? e.lfs.size : e.size;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) throw new HubError(`${repo}: the file list gives ${path} no size.`);
  if (e.lfs && typeof e.lfs.oid === 'string') return { path, size, sha256: checkBlobName(e.lfs.oid, repo, path) };
  if (typeof e.oid === 'string') return { path, size, gitSha1: checkBlobName(e.oid, repo, path) };
  throw new HubError(`${repo}: the file list gives ${path} no hash to check it against.`);
}
