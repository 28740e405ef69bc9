import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, openSync, closeSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { CancelledError } from '../../protocol/rpc';
import { takeFlock } from './flockHold';

// One download of a blob at a time across processes (the editor's engine, a CLI run, another
// window, a Python huggingface_hub download), at the path huggingface_hub locks:
//   {cacheDir}/.locks/models--{org}--{name}/{blob}.lock
// Ours is an exclusively created file holding its owner (pid, host, time), refreshed every few
// seconds while held and deleted on release. huggingface_hub's `filelock` takes flock(2) on the
// same file and leaves it behind, empty, when done. While we hold the file we hold flock(2) on it
// too, through util-linux's `flock` command (flockHold.ts), so a Python download started meanwhile
// waits for us; an ownerless lock file counts as held while /proc/locks shows a lock on it and as
// a leftover otherwise. Both need Linux: on macOS and Windows a Python download and ours do not
// see each other (Tensorloupe still checks each file's sha256 before use).

/** While held, the owner's file is touched this often: a lock not touched for STALE_MS is abandoned. */
const HEARTBEAT_MS = 5_000;
/** Generous: a live owner touches its lock every HEARTBEAT_MS, however long its file takes. */
const STALE_MS = 10 * 60_000;
/** An ownerless lock file this new may be ours between its exclusive create and its owner's write. */
const FRESH_FOREIGN_MS = 1_000;
const POLL_MS = 200;

export interface LockOwner {
  tool: 'tensorloupe';
  pid: number;
  host: string;
  time: string;
  /** tells two holds by one process apart */
  id: string;
}

export interface BlobLockOptions {
  signal?: AbortSignal;
  /** called once when another download holds the lock, with who holds it ("pid 123 on host") */
  onWait?: (holder: string) => void;
}

/** The lock huggingface_hub takes for a blob of the repo cached at `repoDir` (models--org--name). */
export function blobLockPath(repoDir: string, blob: string): string {
  return join(dirname(repoDir), '.locks', basename(repoDir), `${blob}.lock`);
}

/** Runs `work` holding the lock; released in every case (done, failed, cancelled). */
export async function withBlobLock<T>(lockPath: string, opts: BlobLockOptions, work: () => Promise<T>): Promise<T> {
  const release = await acquireBlobLock(lockPath, opts);
  try {
    return await work();
  } finally {
    release();
  }
}

/** Waits (Cancel stops the wait, leaving nothing behind) until the lock is ours; returns its release. */
export async function acquireBlobLock(lockPath: string, opts: BlobLockOptions = {}): Promise<() => void> {
  mkdirSync(dirname(lockPath), { recursive: true });
  const owner: LockOwner = { tool: 'tensorloupe', pid: process.pid, host: hostname(), time: new Date().toISOString(), id: randomBytes(6).toString('hex') };
  const text = JSON.stringify(owner);
  let told = false;
  for (;;) {
    if (opts.signal?.aborted) throw new CancelledError();
    if (tryCreate(lockPath, text)) {
      const flock = await takeFlock(lockPath);
      if (flock.kind !== 'busy') return holdLock(lockPath, text, flock.kind === 'held' ? flock.release : undefined);
      // a Python download opened the file between our create and our flock: it goes first
      removeIfOurs(lockPath, text);
    }
    const state = inspectLock(lockPath);
    if (state.kind === 'stale') breakLock(lockPath, state.text);
    else if (state.kind === 'held') {
      if (!told) opts.onWait?.(state.holder);
      told = true;
      await sleep(POLL_MS, opts.signal);
    }
  }
}

function tryCreate(path: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

export type LockState = { kind: 'gone' } | { kind: 'held'; holder: string } | { kind: 'stale'; text: string; why: string };

/** Who holds a lock file, or why it is abandoned. */
export function inspectLock(path: string, now = Date.now()): LockState {
  let text: string;
  let age: number;
  let flocked: boolean;
  try {
    const st = statSync(path, { bigint: true });
    age = now - Number(st.mtimeMs);
    flocked = flockHeld(st.dev, st.ino);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'gone' };
    throw error;
  }
  const owner = parseOwner(text);
  if (owner) {
    if (owner.host === hostname() && !pidAlive(owner.pid)) return { kind: 'stale', text, why: `process ${owner.pid} is gone` };
    if (age > STALE_MS) return { kind: 'stale', text, why: `not refreshed for ${Math.round(age / 60_000)} min` };
    return { kind: 'held', holder: `pid ${owner.pid} on ${owner.host}` };
  }
  if (flocked) return { kind: 'held', holder: 'a huggingface_hub download' };
  if (age >= 0 && age < FRESH_FOREIGN_MS) return { kind: 'held', holder: 'another download' };
  return { kind: 'stale', text, why: 'a lock file left behind by huggingface_hub' };
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    return o && o.tool === 'tensorloupe' && Number.isSafeInteger(o.pid) && typeof o.host === 'string' ? (o as LockOwner) : undefined;
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when /proc/locks lists a lock on this inode (huggingface_hub's flock). Its device is
 * `major:minor` in hex, which Linux packs into st_dev as glibc's gnu_dev_major/minor unpack it.
 */
function flockHeld(dev: bigint, ino: bigint): boolean {
  let table: string;
  try {
    table = readFileSync('/proc/locks', 'utf8');
  } catch {
    return false;
  }
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  for (const m of table.matchAll(/\s([0-9a-f]+):([0-9a-f]+):(\d+)\s/g)) {
    if (BigInt(`0x${m[1]}`) === major && BigInt(`0x${m[2]}`) === minor && BigInt(m[3]) === ino) return true;
  }
  return false;
}

/**
 * Moves an abandoned lock aside and deletes it. Another waiter may have broken it and taken a
 * fresh one between our look and the move: what was moved is then not what we judged, and it is
 * put back (link fails, harmlessly, when a third took the name meanwhile).
 */
function breakLock(path: string, judged: string): void {
  const aside = `${path}.broken.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    if (readFileSync(aside, 'utf8') !== judged) linkSync(aside, path);
  } catch {
    // the name was taken again: that holder is the one to respect
  } finally {
    rmSync(aside, { force: true });
  }
}

function holdLock(path: string, text: string, releaseFlock?: () => void): () => void {
  const beat = setInterval(() => {
    try {
      const now = readFileSync(path, 'utf8');
      if (now === text) utimesSync(path, new Date(), new Date());
      // huggingface_hub opens its lock with O_TRUNC: put the owner back so we are not judged gone
      else if (now === '') writeFileSync(path, text);
      else clearInterval(beat);
    } catch {
      clearInterval(beat);
    }
  }, HEARTBEAT_MS);
  beat.unref();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    clearInterval(beat);
    removeIfOurs(path, text);
    releaseFlock?.(); // after the removal: a Python download waiting on it finds the blob done
  };
}

/** Only our own: an emptied file is a Python download's now (it may be waiting on its flock). */
function removeIfOurs(path: string, text: string): void {
  try {
    if (readFileSync(path, 'utf8') === text) rmSync(path, { force: true });
  } catch {
    // already gone
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(new CancelledError());
    }
    signal?.addEventListener('abort', abort, { once: true });
  });
}
