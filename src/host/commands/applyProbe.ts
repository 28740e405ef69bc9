import * as vscode from 'vscode';
import { basename } from 'node:path';
import { editorText } from '../selection';
import { readSettings } from '../settings';
import { runWithProgress } from './runWithProgress';
import type { EngineClient } from '../engineClient';
import type { ProbeView } from '../probeView';

/** workspaceState key of the probe file last applied */
export const LAST_PROBE_KEY = 'tensorloupe.lastProbe';

/** Apply Probe offers the probe last saved or applied in this workspace. */
export function rememberProbe(context: vscode.ExtensionContext): (path: string) => void {
  return (path) => void context.workspaceState.update(LAST_PROBE_KEY, path);
}

/** The probe last saved or applied (offered first), or one chosen in the open dialog. */
export async function pickProbe(context: vscode.ExtensionContext): Promise<string | undefined> {
  const last = context.workspaceState.get<string>(LAST_PROBE_KEY);
  if (last) {
    const again = await vscode.window.showQuickPick([{ label: basename(last), description: last, path: last }, { label: 'Choose a probe file…', description: '', path: '' }], {
      title: 'Tensorloupe: Apply Probe',
      placeHolder: 'Which saved probe?',
    });
    if (!again) return undefined;
    if (again.path) return again.path;
  }
  const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Tensorloupe probe': ['json'] }, openLabel: 'Apply Probe', defaultUri: last ? vscode.Uri.file(last) : undefined });
  return chosen?.[0]?.fsPath;
}

/** Apply Probe's picker and memory, for the projector's "probe prediction" colouring. */
export function probeFilePicker(context: vscode.ExtensionContext): { pick(): Promise<string | undefined>; remember(path: string): void } {
  return { pick: () => pickProbe(context), remember: rememberProbe(context) };
}

/** Tensorloupe: Apply Probe to Selection — each token's label under a saved token-level probe. */
export async function applyProbe(context: vscode.ExtensionContext, engine: EngineClient, view: ProbeView): Promise<void> {
  try {
    const source = editorText(vscode.window.activeTextEditor, false);
    const probe = await pickProbe(context);
    if (!probe) return;
    const settings = readSettings(context.extensionPath);
    const result = await runWithProgress(engine, `Tensorloupe: applying ${basename(probe)}`, (cancel) =>
      engine.call('probe/apply', { model: settings.model, probe, text: source.text, maxTokens: settings.maxTokens }, cancel),
    );
    rememberProbe(context)(probe);
    view.show(source.editor, source.offset, result, basename(probe));
  } catch (error) {
    if ((error as { code?: string }).code === 'Cancelled') return;
    void vscode.window.showErrorMessage(`Tensorloupe: ${(error as Error).message}`);
  }
}
