/** A repository cloned without git-lfs holds ~130-byte pointer files where the large files should be
 * (model.onnx, model.onnx_data, a large tokenizer.json): "version https://git-lfs.github.com/spec/v1",
 * then the object's oid and size. Spotting one turns an unreadable-file error into the fix. */
import { closeSync, openSync, readSync } from 'node:fs';

const LFS_PREFIX = 'version https://git-lfs';

/** true when the file starts like a Git LFS pointer; false when it does not or cannot be read */
export function isGitLfsPointer(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(LFS_PREFIX.length); // exactly the bytes the prefix needs
    const n = readSync(fd, head, 0, head.length, 0);
    return n === head.length && head.toString('latin1') === LFS_PREFIX;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The one-line message for such a file: what it is, what it should have been, the command. */
export function gitLfsPointerMessage(name: string, what: string): string {
  return `${name} is a Git LFS pointer, not ${what}: the repository was cloned without git-lfs; run \`git lfs pull\` in it (or install git-lfs and clone again).`;
}
