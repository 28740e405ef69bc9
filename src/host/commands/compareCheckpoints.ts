import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readSettings } from '../settings';
import { CheckpointsPanel } from '../panels/checkpointsPanel';
import { runWithProgress } from './runWithProgress';
import { optionalSelection } from './optionalSelection';
import { sourceLabel } from '../selection';
import type { EngineClient } from '../engineClient';

/**
 * Tensorloupe: Compare Checkpoints — the model folder's checkpoints/step-N/ (or folders the user
 * chooses when it has none): induction scan, loss per copy, ICL score on the selection, CKA to the
 * final checkpoint, against the training step.
 */
export async function compareCheckpoints(context: vscode.ExtensionContext, engine: EngineClient): Promise<void> {
  const selection = optionalSelection();
  const { model } = readSettings(context.extensionPath);
  let folders: string[] | undefined;
  if (!existsSync(join(model, 'checkpoints'))) {
    const picked = await vscode.window.showOpenDialog({ title: 'Tensorloupe: choose the checkpoint folders to compare', canSelectFolders: true, canSelectFiles: false, canSelectMany: true, openLabel: 'Compare' });
    if (!picked || picked.length === 0) return;
    folders = picked.map((u) => u.fsPath);
  }
  const panel = CheckpointsPanel.show(context.extensionUri);
  const run = async () => {
    panel.loading('Scanning each checkpoint…');
    try {
      const result = await runWithProgress(engine, 'Tensorloupe: compare checkpoints', (cancel) =>
        engine.call('checkpoints/compare', { model, ...(folders ? { folders } : {}), ...(selection ? { text: selection.text } : {}), seed: 0 }, cancel));
      panel.display({ result, ...(selection ? { source: sourceLabel(selection) } : {}) });
    } catch (error) {
      panel.error(error);
    }
  };
  panel.setRerun(() => void run());
  await run();
}
