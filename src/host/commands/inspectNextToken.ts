import * as vscode from 'vscode';
import { editorTextOrWarn, sourceLabel } from '../selection';
import { readSettings } from '../settings';
import { NextTokenPanel } from '../panels/nextTokenPanel';
import { runWithProgress } from './runWithProgress';
import type { EngineClient } from '../engineClient';

/** Tensorloupe: Inspect Next-Token Distribution — the selection (or the text before the cursor). */
export async function inspectNextToken(context: vscode.ExtensionContext, engine: EngineClient): Promise<void> {
  const source = editorTextOrWarn(true);
  if (!source) return;
  const settings = readSettings(context.extensionPath);
  const panel = NextTokenPanel.show(context.extensionUri, engine);
  const run = async () => {
    panel.loading(`Running ${source.text.length.toLocaleString('en-US')} characters through the model…`);
    try {
      const result = await runWithProgress(engine, 'Tensorloupe: next token', (cancel) =>
        engine.call('lm/nextToken', { model: settings.model, text: source.text, topK: settings.topK, maxTokens: settings.maxTokens }, cancel),
      );
      panel.display({ source: sourceLabel(source), result, topK: settings.topK });
    } catch (error) {
      panel.error(error);
    }
  };
  panel.setRerun(() => void run());
  await run();
}
