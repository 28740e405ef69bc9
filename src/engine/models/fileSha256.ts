/** sha256 of a model file as `sha256sum` prints it, streamed (multi-GB files are never read whole)
 * and remembered per path, size and mtime: an export names the model it read by this, which a user
 * can check against the file or the Hub's LFS oid. The instrumentation cache key is not it: that
 * key also covers the file's name and its external data, and samples files over 64 MB. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

const known = new Map<string, { size: number; mtimeMs: number; sha256: Promise<string> }>();

export async function fileSha256(path: string): Promise<string> {
  const s = await stat(path);
  const hit = known.get(path);
  if (hit && hit.size === s.size && hit.mtimeMs === s.mtimeMs) return hit.sha256;
  const sha256 = new Promise<string>((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => h.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(h.digest('hex')));
  });
  known.set(path, { size: s.size, mtimeMs: s.mtimeMs, sha256 });
  sha256.catch(() => known.delete(path));
  return sha256;
}
