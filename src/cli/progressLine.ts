import { ProgressThrottle, type ProgressUpdate } from '../protocol/progress';

/**
 * The CLI's progress: one line on stderr, rewritten in place ("tensorloupe: 43% UMAP epoch
 * 120/500"), only when stderr is a terminal; a pipe or a file (a script, CI, `2> log`) gets
 * nothing, and stdout (--json) never does. `clear` wipes the line before anything else is printed.
 */
export interface ProgressLine {
  report(update: ProgressUpdate): void;
  clear(): void;
  /** the command has ended: nothing more is drawn, and the line is wiped */
  close(): void;
}

interface Terminal {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export function progressLine(stream: Terminal): ProgressLine {
  if (!stream.isTTY) return { report: () => undefined, clear: () => undefined, close: () => undefined };
  let showing = false;
  const throttle = new ProgressThrottle((u) => {
    const percent = Math.floor((100 * u.done) / u.total);
    const text = `tensorloupe: ${percent}%${u.message ? ` ${u.message}` : ''}`; // the message is escaped already (cleanProgress)
    const width = Math.max(20, (stream.columns || 80) - 1); // a line that wraps cannot be rewritten in place
    stream.write(`\r\x1b[K${text.slice(0, width)}`);
    showing = true;
  });
  const clear = () => {
    if (!showing) return;
    stream.write('\r\x1b[K');
    showing = false;
  };
  return {
    report: (update) => throttle.report(update),
    clear,
    close: () => {
      throttle.close();
      clear();
    },
  };
}
