import * as vscode from 'vscode';
import type { EngineClient } from '../engineClient';
import { AttentionPanel, ATTENTION_VIEW_TYPE } from './attentionPanel';

/**
 * Panels restored after a reload hold only UI state: each feature's revive() shows a prompt to
 * run its command again. Features add their serializer here.
 */
export function registerPanelSerializers(context: vscode.ExtensionContext, engine: EngineClient): vscode.Disposable[] {
  return [
    vscode.window.registerWebviewPanelSerializer(ATTENTION_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => AttentionPanel.revive(panel, context.extensionUri, engine),
    }),
  ];
}
