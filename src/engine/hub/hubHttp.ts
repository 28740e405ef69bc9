import { HubError } from './hubErrors';
import { escapeControl } from '../../util/escape';
import type { HubEnv } from './hubEnv';

const MAX_REDIRECTS = 5;

export interface HubRequest {
  env: HubEnv;
  repo: string;
  /** what the request is for, in messages ("the file list", "onnx/model.onnx") */
  what: string;
  signal?: AbortSignal;
  headers?: Record<string, string>;
  /**
   * Sees each answer's headers before a redirect is followed or a body read (the resolve
   * endpoint's X-Repo-Commit and ETag are on its redirect); throwing stops the request there.
   */
  onHeaders?: (headers: Headers, hop: number) => void;
}

/**
 * GET with the token, following redirects by hand: the resolve endpoint sends LFS files to a CDN
 * on another host, and the token must not follow it there (it goes only to the endpoint's origin).
 * A non-2xx answer becomes one line that says what to do (401/403: the token; 404: the name).
 */
export async function hubGet(url: string, req: HubRequest): Promise<Response> {
  const origin = new URL(req.env.endpoint).origin;
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const headers: Record<string, string> = { 'user-agent': 'tensorloupe', ...req.headers };
    if (req.env.token && new URL(current).origin === origin) headers.authorization = `Bearer ${req.env.token}`;
    let res: Response;
    try {
      res = await fetch(current, { headers, redirect: 'manual', signal: req.signal });
    } catch (error) {
      if (req.signal?.aborted) throw error;
      throw new HubError(`${req.repo}: cannot reach ${req.env.endpoint} for ${req.what} (${reason(error)}); set HF_HUB_OFFLINE=1 to use the cache only.`);
    }
    try {
      req.onHeaders?.(res.headers, hop);
    } catch (error) {
      await res.body?.cancel();
      throw error;
    }
    if (res.status >= 300 && res.status < 400 && res.headers.get('location')) {
      await res.body?.cancel();
      current = new URL(res.headers.get('location') as string, current).toString();
      continue;
    }
    if (res.ok) return res;
    await res.body?.cancel();
    throw statusError(res.status, req);
  }
  throw new HubError(`${req.repo}: more than ${MAX_REDIRECTS} redirects for ${req.what}.`);
}

function statusError(status: number, req: HubRequest): HubError {
  const where = `${req.repo} (${req.what})`;
  if (status === 401 || status === 403) {
    const token = req.env.token ? 'the Hugging Face token given was refused; check it has read access (HF_TOKEN, or Tensorloupe: Set Hugging Face Token)' : 'the repo is private or gated: set a Hugging Face token (HF_TOKEN, or Tensorloupe: Set Hugging Face Token)';
    return new HubError(`${where}: HTTP ${status}, ${token}.`);
  }
  if (status === 404) return new HubError(`${where}: HTTP 404, no such repo, revision or file on ${req.env.endpoint}; check the repo id and --revision.`);
  if (status === 416) return new HubError(`${where}: HTTP 416, the server refused to resume the download.`);
  return new HubError(`${where}: HTTP ${status} from ${req.env.endpoint}; try again later.`);
}

export async function hubJson<T>(url: string, req: HubRequest): Promise<T> {
  const res = await hubGet(url, req);
  try {
    return (await res.json()) as T;
  } catch (error) {
    if (req.signal?.aborted) throw error;
    throw new HubError(`${req.repo}: ${req.what} from ${req.env.endpoint} is not JSON.`);
  }
}

function reason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return escapeControl(cause?.code ?? cause?.message ?? (error as Error).message ?? String(error));
}

/** The Hub's path segments: the repo id keeps its slash, a revision's slashes are encoded (refs%2Fpr%2F1). */
export function repoUrl(env: HubEnv, repo: string): string {
  return `${env.endpoint}/api/models/${repo}`;
}

export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}
