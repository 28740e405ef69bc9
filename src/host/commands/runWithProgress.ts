import * as vscode from 'vscode';
import type { EngineClient, CancelToken } from '../engineClient';

/** How long a cancelled request may take to stop by itself before the engine is restarted. */
const HARD_CANCEL_MS = 1500;

export type ProgressReporter = vscode.Progress<{ message?: string; increment?: number }>;

/**
 * Runs engine requests under a cancellable progress notification. The engine checks for
 * cancellation between steps; a forward pass cannot be interrupted, so if the work has not
 * stopped shortly after the user cancels, the engine process is restarted.
 */
export function runWithProgress<T>(
  engine: EngineClient,
  title: string,
  work: (cancel: CancelToken, progress: ProgressReporter, token: vscode.CancellationToken) => Promise<T>,
): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    const cancel: CancelToken = { onCancel: (l) => token.onCancellationRequested(l) };
    let done = false;
    token.onCancellationRequested(() => {
      setTimeout(() => {
        if (!done) engine.kill('cancelled by the user while a forward pass was running');
      }, HARD_CANCEL_MS);
    });
    return work(cancel, progress, token).finally(() => {
      done = true;
    });
  });
}
