import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { bundledWithCheckpoints } from '../bundledCheckpoints';
import { readSettings } from '../settings';
import { CheckpointsPanel } from '../panels/checkpointsPanel';
import { runWithProgress } from './runWithProgress';
import { optionalSelection } from './optionalSelection';
import { sourceLabel } from '../selection';
import type { EngineClient } from '../engineClient';

/**
 * Tensorloupe: Compare Checkpoints — the model folder's checkpoints/step-N/ (when it has none, a
 * bundled run's — tensorloupe-attn2 and its Zipf / uniform variants — or folders the user
 * chooses): induction scan, loss per copy, ICL score on the selection, CKA to the
 * final checkpoint, against the training step.
 */
export async function compareCheckpoints(context: vscode.ExtensionContext, engine: EngineClient): Promise<void> {
  const selection = optionalSelection();
  let { model } = readSettings(context.extensionPath);
  let folders: string[] | undefined;
  if (!existsSync(join(model, 'checkpoints'))) {
    // the current model has none: offer the bundled runs that have them, or folders of the user's own
    const bundled = bundledWithCheckpoints(context.extensionPath);
    const items: (vscode.QuickPickItem & { dir?: string })[] = [
      ...bundled.map((m) => ({ label: m.name, description: `bundled · ${m.count} checkpoints`, dir: m.dir })),
      { label: '$(folder-opened) Choose checkpoint folders…' },
    ];
    const pick = bundled.length === 0 ? items[0] : await vscode.window.showQuickPick(items, { title: 'Tensorloupe: Compare Checkpoints', placeHolder: `${basename(model)} has no checkpoints/ folder: compare a bundled run's, or choose folders` });
    if (!pick) return;
    if (pick.dir) {
      model = pick.dir;
    } else {
      const picked = await vscode.window.showOpenDialog({ title: 'Tensorloupe: choose the checkpoint folders to compare', canSelectFolders: true, canSelectFiles: false, canSelectMany: true, openLabel: 'Compare' });
      if (!picked || picked.length === 0) return;
      folders = picked.map((u) => u.fsPath);
    }
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
