import * as vscode from 'vscode';
import type { EngineClient, CancelToken } from '../engineClient';
import { progressStep } from '../progressSteps';

export type ProgressReporter = vscode.Progress<{ message?: string; increment?: number }>;

/**
 * Runs engine requests under a progress notification with a Cancel button. Cancel reaches every
 * request the work passes `cancel` to: the engine stops between steps, and EngineClient restarts
 * the engine if a request has not stopped shortly after (HARD_CANCEL_MS). The engine's progress
 * reports for those requests ("UMAP epoch 120/500", "layer 3/9") fill the notification's bar and
 * its message; a request that reports none leaves the bar moving without an end, as before.
 */
export function runWithProgress<T>(
  _engine: EngineClient, // kept so every command's call stays as it was; EngineClient itself does the hard cancel
  title: string,
  work: (cancel: CancelToken, progress: ProgressReporter, token: vscode.CancellationToken) => Promise<T>,
): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
    let shown = 0; // percent of the bar filled so far: VS Code's increments only add
    const cancel: CancelToken = {
      onCancel: (listener) => {
        if (token.isCancellationRequested) listener();
        else token.onCancellationRequested(listener);
      },
      progress: (update) => {
        if (token.isCancellationRequested) return;
        const step = progressStep(shown, update);
        shown += step.increment ?? 0;
        progress.report(step);
      },
    };
    return work(cancel, progress, token);
  });
}
