import * as vscode from 'vscode';
import { basename } from 'node:path';
import { readSettings } from '../settings';
import { ProbesPanel } from '../panels/probesPanel';
import { runWithProgress } from './runWithProgress';
import { rememberProbe } from './applyProbe';
import { CancelledError, RpcError } from '../../protocol/rpc';
import type { EngineClient } from '../engineClient';

/** the TS/JS files a builtin task reads: the workspace's own, node_modules left out, at most this many */
export const PROBE_FILE_GLOB = '**/*.{ts,js,tsx,jsx}';
const PROBE_FILE_EXCLUDE = '**/node_modules/**';
const PROBE_FILE_LIMIT = 200;

const BUILTINS: { dataset: string; detail: string }[] = [
  { dataset: 'builtin:category', detail: "each token's lexical category (keyword, identifier, string, number, comment, punctuation…)" },
  { dataset: 'builtin:in-string', detail: 'whether each token is inside a string literal' },
  { dataset: 'builtin:depth', detail: "each token's bracket nesting depth" },
];
const CHOOSE_FILE = 'Choose a JSONL/CSV dataset…';

/**
 * Tensorloupe: Train Probe… — a builtin task over the workspace's TS/JS files, or a JSONL/CSV
 * dataset. The panel first shows the dataset's size and class counts (probe/preview, no forward
 * pass); its Train button trains a linear probe per layer (probe/train) and shows the results.
 */
export async function trainProbe(context: vscode.ExtensionContext, engine: EngineClient): Promise<void> {
  const pick = await vscode.window.showQuickPick(
    [...BUILTINS.map((b) => ({ label: b.dataset, detail: b.detail })), { label: CHOOSE_FILE, detail: 'sequence labels ({"text","label"} per line) or token labels ({"tokens","labels"})' }],
    { title: 'Tensorloupe: Train Probe', placeHolder: 'What should the probe predict?' },
  );
  if (!pick) return;
  let dataset = pick.label;
  let files: string[] = [];
  let datasetLabel: string;
  if (dataset === CHOOSE_FILE) {
    const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { Datasets: ['jsonl', 'csv'] }, openLabel: 'Train Probe' });
    if (!chosen?.[0]) return;
    dataset = chosen[0].fsPath;
    datasetLabel = basename(dataset);
  } else {
    files = (await vscode.workspace.findFiles(PROBE_FILE_GLOB, PROBE_FILE_EXCLUDE, PROBE_FILE_LIMIT)).map((u) => u.fsPath).sort();
    if (files.length === 0) {
      void vscode.window.showWarningMessage(`Tensorloupe: ${dataset} reads the workspace's TS/JS files, and this workspace has none (${PROBE_FILE_GLOB}).`);
      return;
    }
    datasetLabel = `${dataset} over ${files.length} file${files.length === 1 ? '' : 's'}`;
  }
  const settings = readSettings(context.extensionPath);
  const panel = ProbesPanel.show(context.extensionUri, engine, rememberProbe(context));
  const preview = async () => {
    rerun = preview;
    panel.loading(`Reading ${datasetLabel}…`);
    try {
      const previewed = await runWithProgress(engine, `Tensorloupe: reading ${datasetLabel}`, (cancel) => engine.call('probe/preview', { model: settings.model, dataset, files }, cancel));
      panel.showPreview({ preview: previewed, datasetLabel });
    } catch (error) {
      panel.error(error instanceof CancelledError ? new RpcError('Cancelled', 'Reading the dataset was cancelled. Press Retry to read it again.') : error);
    }
  };
  const run = async () => {
    rerun = run;
    panel.loading(`Training probes on ${datasetLabel}…`);
    try {
      const result = await runWithProgress(engine, `Tensorloupe: train probe (${datasetLabel})`, (cancel) =>
        engine.call('probe/train', { model: settings.model, dataset, files, layer: 'all', pool: 'mean', seed: 0 }, cancel),
      );
      panel.display({ result, datasetLabel });
    } catch (error) {
      panel.error(error instanceof CancelledError ? new RpcError('Cancelled', 'Training was cancelled. Press Retry to train again.') : error);
    }
  };
  let rerun = preview;
  panel.setOnTrain(() => void run());
  panel.setRerun(() => void rerun());
  await preview();
}
