import * as vscode from 'vscode';
import { CancelledError } from '../protocol/rpc';
import { downloadModel, type DownloadOptions, type DownloadResult } from '../engine/hub/downloadModel';
import { progressText } from '../engine/hub/progressText';

/**
 * A Hub download under a progress notification: the file, bytes, total and rate as its message,
 * the bar in step with the bytes, and Cancel aborting the transfer (the partial file stays for a
 * resume). It runs in the extension host: network I/O only, the engine is not involved.
 */
export function downloadWithProgress(opts: Omit<DownloadOptions, 'signal' | 'onProgress'>): Thenable<DownloadResult> {
  const title = `Tensorloupe: downloading ${opts.repo}`;
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const controller = new AbortController();
    token.onCancellationRequested(() => controller.abort());
    let shownPct = 0;
    try {
      const result = await downloadModel({
        ...opts,
        signal: controller.signal,
        onProgress: (p) => {
          const pct = p.total > 0 ? (100 * p.bytes) / p.total : 0;
          progress.report({ message: progressText(p), increment: Math.max(0, pct - shownPct) });
          shownPct = Math.max(shownPct, pct);
        },
      });
      // offline or the Hub out of reach: say which cached commit is in use, without a dialog
      if (result.note) vscode.window.setStatusBarMessage(`Tensorloupe: ${result.note}`, 10_000);
      return result;
    } catch (error) {
      if (controller.signal.aborted) throw new CancelledError();
      throw error;
    }
  });
}
