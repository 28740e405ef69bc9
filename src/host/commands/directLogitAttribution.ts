import * as vscode from 'vscode';
import { editorTextOrWarn, sourceLabel } from '../selection';
import { readSettings } from '../settings';
import { DlaPanel } from '../panels/interventionPanels';
import { runWithProgress } from './runWithProgress';
import type { EngineClient } from '../engineClient';
import type { TokenRef } from '../../protocol/interventions';

/**
 * Tensorloupe: Why This Token? — the next token's logit (or its difference from a second token) split
 * into the embedding, every head and every MLP through the frozen final norm. From the palette it asks
 * for the token (the model's top candidate prefilled); the next-token panel passes its candidate.
 */
export async function directLogitAttribution(context: vscode.ExtensionContext, engine: EngineClient, given?: { target: TokenRef; vs?: TokenRef }): Promise<void> {
  const source = editorTextOrWarn(true);
  if (!source) return;
  const settings = readSettings(context.extensionPath);
  let target = given?.target;
  let vs = given?.vs;
  if (target === undefined) {
    const top = await engine.call('lm/nextToken', { model: settings.model, text: source.text, topK: 2, maxTokens: settings.maxTokens }).catch(() => undefined);
    const typed = await vscode.window.showInputBox({
      title: 'Why This Token?',
      prompt: 'The token whose logit to explain: its text (leading space included) or #ID',
      value: top ? `#${top.next[0].id}` : '',
      ignoreFocusOut: true,
    });
    if (!typed) return;
    target = /^#\d+$/.test(typed) ? Number(typed.slice(1)) : typed;
    const other = await vscode.window.showInputBox({
      title: 'Why This Token? (optional)',
      prompt: 'Compare with a second token (its logit is subtracted); leave empty for the logit alone',
      value: top ? `#${top.next[1].id}` : '',
      ignoreFocusOut: true,
    });
    if (other) vs = /^#\d+$/.test(other) ? Number(other.slice(1)) : other;
  }
  const panel = DlaPanel.show(context.extensionUri);
  const run = async () => {
    panel.loading('Splitting the logit into the embedding, every head and every MLP…');
    try {
      const result = await runWithProgress(engine, 'Tensorloupe: why this token?', (cancel) =>
        engine.call('interventions/attribute', { model: settings.model, text: source.text, target: target as TokenRef, ...(vs === undefined ? {} : { vs }) }, cancel));
      panel.display({ source: sourceLabel(source), result });
    } catch (error) {
      panel.error(error);
    }
  };
  panel.setRerun(() => void run());
  await run();
}
