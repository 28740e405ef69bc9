import * as vscode from 'vscode';
import { basename } from 'node:path';
import { AudioPanel } from '../panels/audioPanel';
import { audioModelSetting, AUDIO_EXTENSIONS } from '../audioModelSetting';
import { QUICK_RUN_MS, runWithProgress } from './runWithProgress';
import type { EngineClient } from '../engineClient';

/** The audio file a command was run on: the explorer's or editor title's uri, the active custom editor's file, or a file picker. */
async function targetFile(uri: unknown): Promise<vscode.Uri | undefined> {
  if (uri instanceof vscode.Uri && uri.scheme === 'file') return uri;
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (tab instanceof vscode.TabInputCustom && AUDIO_EXTENSIONS.some((e) => tab.uri.path.toLowerCase().endsWith(`.${e}`))) return tab.uri;
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Inspect Audio', filters: { Audio: AUDIO_EXTENSIONS } });
  return picked?.[0];
}

/** Fills a panel (the Audio panel, or a custom editor's) with one file's inspection; Retry repeats it. */
export async function fillAudioPanel(context: vscode.ExtensionContext, engine: EngineClient, panel: AudioPanel, file: vscode.Uri): Promise<void> {
  const run = async () => {
    const model = audioModelSetting(context.extensionPath);
    panel.loading(`Decoding ${basename(file.fsPath)}…`);
    try {
      const result = await runWithProgress(engine, `Tensorloupe: ${basename(file.fsPath)} through ${basename(model)}`, (cancel) =>
        engine.call('audio/inspect', { model, path: file.fsPath, topK: 5, columns: 1200 }, cancel), { showAfterMs: QUICK_RUN_MS });
      panel.display({ result });
    } catch (error) {
      panel.error(error);
    }
  };
  panel.setRerun(() => void run());
  await run();
}

/** Tensorloupe: Inspect Audio — explorer context menu, editor title, palette (file picker). */
export async function inspectAudio(context: vscode.ExtensionContext, engine: EngineClient, uri?: unknown): Promise<void> {
  const file = await targetFile(uri);
  if (!file) return;
  await fillAudioPanel(context, engine, AudioPanel.show(context.extensionUri, engine), file);
}
