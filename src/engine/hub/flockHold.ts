import { spawn } from 'node:child_process';

// huggingface_hub's `filelock` locks a blob with flock(2), which Node cannot call without a
// native addon (compiled code for every platform, which the extension does not ship). The
// `flock` command of util-linux, on every Linux system, can: run as `flock -n FILE cat`, it takes
// the lock and holds it while `cat` waits on its stdin, so the lock lasts exactly as long as our
// end of that pipe is open: closed by release(), or by the kernel when this process dies.
// A Python download that starts while we hold a blob then waits for us, as we wait for it.

export type FlockResult =
  /** the lock is ours until release() */
  | { kind: 'held'; release: () => void }
  /** another process holds flock(2) on the file */
  | { kind: 'busy' }
  /** no `flock` command here (macOS, Windows, a minimal container): only our own lock file guards the blob */
  | { kind: 'unavailable'; why: string };

/** Longer than any start of a small command; a `flock` that neither answers nor exits by then is not used. */
const START_TIMEOUT_MS = 10_000;

/** Takes flock(2) LOCK_EX on `path` without waiting. `command` is for tests (a missing one). */
export function takeFlock(path: string, command = 'flock'): Promise<FlockResult> {
  if (process.platform === 'win32') return Promise.resolve({ kind: 'unavailable', why: 'Windows' });
  return new Promise((resolve) => {
    let settled = false;
    const settle = (r: FlockResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    // -n: fail at once (exit 1) when the file is locked; -E 75: …with a code no other failure gives
    const child = spawn(command, ['-n', '-E', '75', path, 'cat'], { stdio: ['pipe', 'pipe', 'ignore'] });
    const release = () => {
      child.stdin.end();
      child.stdout.destroy();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle({ kind: 'unavailable', why: `${command} did not start within ${START_TIMEOUT_MS / 1000} s` });
    }, START_TIMEOUT_MS);
    child.on('error', (error: NodeJS.ErrnoException) => settle({ kind: 'unavailable', why: error.code === 'ENOENT' ? `no ${command} command` : error.message }));
    child.on('exit', (code) => settle(code === 75 ? { kind: 'busy' } : { kind: 'unavailable', why: `${command} exited with ${code}` }));
    child.stdin.on('error', () => undefined); // the child gone before our write: its exit says why
    // `cat` echoing our byte proves the lock is taken (flock runs it only then)
    child.stdout.once('data', () => settle({ kind: 'held', release }));
    child.stdin.write('\n');
    child.unref(); // a CLI that is done exits; the pipe's closing releases the lock
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    (child.stdout as unknown as { unref?: () => void }).unref?.();
  });
}
