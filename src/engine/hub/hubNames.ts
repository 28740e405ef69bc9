import { HubError } from './hubErrors';
import { escapeControl } from '../../util/escape';

// Names that reach file paths and URLs. A repo id, a revision and every file name the Hub lists are
// checked here before they touch the disk: a crafted tree entry must not write outside the snapshot.

const REPO_PART = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$/;

/** `org/name` as the Hub spells repo ids (the CLI's `--model` tells them from paths with this). */
export function isRepoId(text: string): boolean {
  const parts = text.split('/');
  return parts.length === 2 && parts.every((p) => REPO_PART.test(p) && !p.includes('..') && !p.endsWith('.'));
}

export function checkRepoId(text: string): string {
  if (!isRepoId(text)) throw new HubError(`"${escapeControl(text.slice(0, 80))}" is not a Hugging Face repo id: expected org/name (letters, digits, . _ -).`);
  return text;
}

/** A branch, tag or commit; `refs/pr/1` keeps its slashes (refs/ holds it as a path, as huggingface_hub does). */
export function checkRevision(text: string): string {
  const ok = /^[A-Za-z0-9._\-/]{1,200}$/.test(text) && !text.split('/').some((p) => p === '' || p === '.' || p === '..');
  if (!ok) throw new HubError(`--revision "${escapeControl(text.slice(0, 80))}" is not a branch, tag or commit name.`);
  return text;
}

export function isCommitHash(revision: string): boolean {
  return /^[0-9a-f]{40}$/.test(revision);
}

/**
 * A file path from the Hub's tree, or an error: relative, forward slashes, no `.`/`..` segment,
 * no backslash, drive letter, control character or empty segment.
 */
export function checkRepoFilePath(path: string, repo: string): string {
  const bad =
    path.length === 0 ||
    path.length > 1000 ||
    path.startsWith('/') ||
    path.includes('\\') ||
    /^[A-Za-z]:/.test(path) ||
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/.test(path) ||
    path.split('/').some((p) => p === '' || p === '.' || p === '..');
  if (bad) throw new HubError(`${repo}: the Hub listed a file named "${escapeControl(path.slice(0, 80))}", which is not a safe relative path; nothing was written.`);
  return path;
}

/** A blob name: a sha1 or sha256 in hex, nothing else becomes a file name under blobs/. */
export function checkBlobName(name: string, repo: string, path: string): string {
  if (!/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(name)) throw new HubError(`${repo}: the Hub gave ${escapeControl(path)} the hash "${escapeControl(name.slice(0, 80))}", which is not a sha1 or sha256.`);
  return name;
}
