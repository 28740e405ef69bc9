import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { isRepoId } from '../engine/hub/hubNames';

export interface ConsentContext {
  /** vscode.workspace.isTrusted */
  trusted: boolean;
  /** the workspace's folders */
  workspaceFolders: string[];
  /** the Hugging Face hub cache (hubEnv().cacheDir) */
  hubCacheDir: string;
}

/**
 * Whether loading `model` needs the user's yes first: only in an untrusted workspace, and only for
 * models the workspace or the internet chose — a file inside a workspace folder (links followed),
 * anything from the Hugging Face cache or a repo id, or a relative path (it resolves against the
 * workspace). A model the user's own settings point at elsewhere loads as it did; the workspace's
 * own value of tensorloupe.model never reaches here (package.json restricts it). Pure, so the
 * rule is tested without VS Code.
 */
export function needsConsent(model: string, c: ConsentContext): boolean {
  if (c.trusted) return false;
  if (!isAbsolute(model)) return true;
  if (isRepoId(model) && !existsSync(model)) return true;
  const real = realOrSelf(model);
  return [c.hubCacheDir, ...c.workspaceFolders].some((folder) => isInside(real, realOrSelf(folder)) || isInside(resolve(model), resolve(folder)));
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

function isInside(path: string, folder: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}
