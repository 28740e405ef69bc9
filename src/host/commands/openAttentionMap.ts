import * as vscode from 'vscode';
import { editorTextOrWarn, sourceLabel } from '../selection';
import { readSettings } from '../settings';
import { AttentionPanel } from '../panels/attentionPanel';
import { runWithProgress } from './runWithProgress';
import type { EngineClient } from '../engineClient';

/** Tensorloupe: Open Attention Map — every layer and head for the selection. */
export async function openAttentionMap(context: vscode.ExtensionContext, engine: EngineClient): Promise<void> {
  const source = editorTextOrWarn(true);
  if (!source) return;
  const settings = readSettings(context.extensionPath);
  const panel = AttentionPanel.show(context.extensionUri, engine);
  panel.setAblationSource(source, settings.model);
  const run = async () => {
    panel.loading('Instrumenting the model and running the selection…');
    try {
      const summary = await runWithProgress(engine, 'Tensorloupe: attention maps', (cancel) =>
        engine.call('attention/summary', { model: settings.model, text: source.text, maxTokens: settings.maxTokens }, cancel),
      );
      panel.display({ source: sourceLabel(source), summary });
    } catch (error) {
      panel.error(error);
    }
  };
  panel.setRerun(() => void run());
  await run();
}
