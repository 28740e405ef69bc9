import type { ProgressUpdate } from '../protocol/progress';

/**
 * One engine progress update as a VS Code progress report: the message as it is, and the bar's
 * increment (VS Code adds increments up to 100) from the percent already `shown`. The bar never
 * moves back: a second request under the same notification starts at 0, and waits until it
 * passes where the first left the bar. No `vscode` import, so it is tested directly.
 */
export function progressStep(shown: number, update: ProgressUpdate): { message?: string; increment?: number } {
  const percent = update.total > 0 ? (100 * Math.min(Math.max(update.done, 0), update.total)) / update.total : 0;
  const increment = percent - shown;
  return {
    ...(update.message !== undefined ? { message: update.message } : {}),
    ...(increment > 0 ? { increment } : {}),
  };
}
