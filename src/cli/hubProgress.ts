import { progressText } from '../engine/hub/progressText';
import type { DownloadProgress } from '../engine/hub/downloadModel';

/**
 * Download progress on stderr: one line rewritten in place on a terminal, a line a second when
 * stderr is a pipe or a file (a log gets a few lines, not thousands), and always the last one.
 */
export function stderrProgress(repo: string): (p: DownloadProgress) => void {
  let last = 0;
  return (p) => {
    const now = Date.now();
    if (p.waitingFor) {
      // said at once: a wait with no line would look like a hang
      process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}${repo}: ${progressText(p)}\n`);
      return;
    }
    const finished = p.bytes >= p.total;
    if (process.stderr.isTTY) {
      process.stderr.write(`\r\x1b[Kdownloading ${repo}: ${progressText(p)}${finished ? '\n' : ''}`);
      return;
    }
    if (!finished && now - last < 1000) return;
    last = now;
    process.stderr.write(`downloading ${repo}: ${progressText(p)}\n`);
  };
}
