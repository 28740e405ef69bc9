import * as vscode from 'vscode';
import type { EngineClient, CancelToken } from '../engineClient';

export type ProgressReporter = vscode.Progress<{ message?: string; increment?: number }>;

/**
 * Runs engine requests under a progress notification with a Cancel button. Cancel reaches every
 * request the work passes `cancel` to: the engine stops between steps, and EngineClient restarts
 * the engine if a request has not stopped shortly after (HARD_CANCEL_MS).
 */
export function runWithProgress<T>(
  _engine: EngineClient, // kept so every command's call stays as it was; EngineClient itself does the hard cancel
  title: string,
  work: (cancel: CancelToken, progress: ProgressReporter, token: vscode.CancellationToken) => Promise<T>,
): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    const cancel: CancelToken = {
      onCancel: (listener) => {
        if (token.isCancellationRequested) listener();
        else token.onCancellationRequested(listener);
      },
    };
    return work(cancel, progress, token);
  });
}
