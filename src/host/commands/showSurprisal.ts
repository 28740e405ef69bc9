import * as vscode from 'vscode';
import { editorText } from '../selection';
import { readSettings } from '../settings';
import { runWithProgress } from './runWithProgress';
import type { EngineClient } from '../engineClient';
import type { SurprisalView } from '../surprisalView';

/** Tensorloupe: Show Token Surprisal — colours each token of the selection by its surprisal. */
export async function showSurprisal(context: vscode.ExtensionContext, engine: EngineClient, view: SurprisalView): Promise<void> {
  try {
    const source = editorText(vscode.window.activeTextEditor, false);
    const settings = readSettings(context.extensionPath);
    const result = await runWithProgress(engine, 'Tensorloupe: scoring tokens', (cancel) =>
      engine.call('lm/surprisal', { model: settings.model, text: source.text, maxTokens: settings.maxTokens, alternatives: 5 }, cancel),
    );
    view.show(source.editor, source.offset, result);
    // the engine's reason names no control: here the limit is a setting (in the CLI it is --max-tokens)
    const notes = [result.truncation ? `${result.truncation.reason} The setting tensorloupe.maxTokens sets the limit.` : undefined, result.window ? `Longer than the model's context: scored in ${result.window.count} overlapping windows.` : undefined].filter(Boolean);
    if (notes.length > 0) void vscode.window.showInformationMessage(`Tensorloupe: ${notes.join(' ')}`);
  } catch (error) {
    if ((error as { code?: string }).code === 'Cancelled') return;
    void vscode.window.showErrorMessage(`Tensorloupe: ${(error as Error).message}`);
  }
}
