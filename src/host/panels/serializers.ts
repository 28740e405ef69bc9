import * as vscode from 'vscode';
import type { EngineClient } from '../engineClient';

/**
 * Panels restored after a reload hold only UI state: each feature's revive() shows a prompt to
 * run its command again. Features add their serializer here.
 */
export function registerPanelSerializers(_context: vscode.ExtensionContext, _engine: EngineClient): vscode.Disposable[] {
  return [];
}
