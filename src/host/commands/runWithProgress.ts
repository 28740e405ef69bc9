import * as vscode from 'vscode';
import type { EngineClient, CancelToken } from '../engineClient';
import { progressStep } from '../progressSteps';

export type ProgressReporter = vscode.Progress<{ message?: string; increment?: number }>;

/** A warm Inspect Image / Audio run takes ~0.2 s: its panel's own loading line covers it; slower ones (a cold model) get the notification and Cancel. */
export const QUICK_RUN_MS = 400;

export interface RunProgressOptions {
  /**
   * Open the notification only if the work is still running after this many ms. VS Code keeps a
   * progress notification up for at least 800 ms after it opens (ProgressService: "show progress
   * for at least 800ms"), so a run that finishes sooner left it reading its last message ("done")
   * with a live Cancel button after the result was on screen. Commands whose panel shows its own
   * loading state pass this; a slower run still gets the bar and Cancel.
   */
  showAfterMs?: number;
}

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
  options: RunProgressOptions = {},
): Thenable<T> {
  const notify = { location: vscode.ProgressLocation.Notification, title, cancellable: true };
  if (!options.showAfterMs) return vscode.window.withProgress(notify, (progress, token) => work(engineCancel(progress, token), progress, token));
  const source = new vscode.CancellationTokenSource();
  const relay = new ProgressRelay();
  const running = work(engineCancel(relay, source.token), relay, source.token);
  let finished = false;
  const settled = running.then(() => undefined, () => undefined);
  void settled.then(() => (finished = true));
  const timer = setTimeout(() => {
    if (finished) return;
    void vscode.window.withProgress(notify, (progress, token) => {
      token.onCancellationRequested(() => source.cancel());
      relay.attach(progress);
      return settled;
    });
  }, options.showAfterMs);
  return running.finally(() => {
    clearTimeout(timer);
    source.dispose();
  });
}

/** The CancelToken engine calls take: cancellation from `token`, engine progress into `progress`'s bar. */
function engineCancel(progress: ProgressReporter, token: vscode.CancellationToken): CancelToken {
  let shown = 0; // percent of the bar filled so far: VS Code's increments only add
  return {
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
}

/** Progress kept until a notification opens, then handed on: the bar where it got to and the last message. */
class ProgressRelay implements ProgressReporter {
  private sink: ProgressReporter | undefined;
  private percent = 0;
  private message: string | undefined;

  report(value: { message?: string; increment?: number }): void {
    if (value.message !== undefined) this.message = value.message;
    this.percent += value.increment ?? 0;
    this.sink?.report(value);
  }

  attach(sink: ProgressReporter): void {
    this.sink = sink;
    sink.report({ ...(this.message !== undefined ? { message: this.message } : {}), ...(this.percent > 0 ? { increment: this.percent } : {}) });
  }
}
