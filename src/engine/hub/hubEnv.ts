import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where and how to reach the Hub, read the way huggingface_hub reads it, so both share one cache. */
export interface HubEnv {
  /** e.g. https://huggingface.co, no trailing slash (HF_ENDPOINT) */
  endpoint: string;
  /** the hub cache: $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub */
  cacheDir: string;
  /** HF_HUB_OFFLINE=1: the cache only, no request at all */
  offline: boolean;
  /** HF_TOKEN, else $HF_HOME/token (the file `huggingface-cli login` writes); undefined: anonymous */
  token?: string;
  /** how long the revision's commit may take to come back (HF_HUB_ETAG_TIMEOUT seconds, default 10) */
  metadataTimeoutMs?: number;
}

const TRUE_VALUES = new Set(['1', 'on', 'yes', 'true']);

/** `token` (the editor's SecretStorage) wins over the environment's. */
export function hubEnv(env: NodeJS.ProcessEnv = process.env, token?: string): HubEnv {
  const hfHome = env.HF_HOME || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'huggingface');
  const cacheDir = env.HF_HUB_CACHE || env.HUGGINGFACE_HUB_CACHE || join(hfHome, 'hub');
  const endpoint = (env.HF_ENDPOINT || 'https://huggingface.co').replace(/\/+$/, '');
  const offline = TRUE_VALUES.has((env.HF_HUB_OFFLINE ?? '').trim().toLowerCase());
  const timeout = Number(env.HF_HUB_ETAG_TIMEOUT);
  const metadataTimeoutMs = Number.isFinite(timeout) && timeout > 0 ? timeout * 1000 : 10_000;
  return { endpoint, cacheDir, offline, token: token || env.HF_TOKEN || readTokenFile(env.HF_TOKEN_PATH || join(hfHome, 'token')), metadataTimeoutMs };
}

function readTokenFile(path: string): string | undefined {
  try {
    return existsSync(path) ? readFileSync(path, 'utf8').trim() || undefined : undefined;
  } catch {
    return undefined;
  }
}
