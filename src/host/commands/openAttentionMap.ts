import * as vscode from 'vscode';
import { editorText } from '../selection';
import { readSettings } from '../settings';
import { AttentionPanel } from '../panels/attentionPanel';
import { runWithProgress } from './runWithProgress';
import type { EngineClient } from '../engineClient';

/** Tensorloupe: Open Attention Map — every layer and head for the selection. */
export async function openAttentionMap(context: vscode.ExtensionContext, engine: EngineClient): Promise<void> {
  let source;
  try {
    source = editorText(vscode.window.activeTextEditor, true);
  } catch (error) {
    void vscode.window.showErrorMessage(`Tensorloupe: ${(error as Error).message}`);
    return;
  }
  const settings = readSettings(context.extensionPath);
  const panel = AttentionPanel.show(context.extensionUri, engine);
  const run = async () => {
    panel.loading('Instrumenting the model and running the selection…');
    try {
      const summary = await runWithProgress(engine, 'Tensorloupe: attention maps', (cancel) =>
        engine.call('attention/summary', { model: settings.model, text: source.text, maxTokens: settings.maxTokens }, cancel),
      );
      panel.display({ source: { fileName: source.fileName, line: source.line, chars: source.text.length }, summary });
    } catch (error) {
      panel.error(error);
    }
  };
  panel.setRerun(() => void run());
  await run();
}
