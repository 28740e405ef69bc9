import * as vscode from 'vscode';
import type { EngineClient } from '../engineClient';

// Placeholder until this command lands.
export async function openAttentionMap(_context: vscode.ExtensionContext, _engine: EngineClient): Promise<void> {
  void vscode.window.showInformationMessage('Tensorloupe: this command is not built yet.');
}
