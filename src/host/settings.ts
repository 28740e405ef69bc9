import * as vscode from 'vscode';
import { join } from 'node:path';
import { DEFAULT_MODEL_NAME } from '../util/paths';
import type { EngineSettings } from '../protocol/engine';

export interface Settings {
  /** resolved model folder */
  model: string;
  topK: number;
  maxTokens: number;
  engine: EngineSettings;
}

/**
 * Reads the tensorloupe.* settings. In an untrusted workspace the model setting is ignored
 * (loading a model runs native code on a file the workspace chose), so the bundled one is used.
 */
export function readSettings(extensionPath: string): Settings {
  const c = vscode.workspace.getConfiguration('tensorloupe');
  const configured = (c.get<string>('model') ?? '').trim();
  const bundled = join(extensionPath, 'models', DEFAULT_MODEL_NAME);
  const model = configured && vscode.workspace.isTrusted ? expandModelPath(configured) : bundled;
  return {
    model,
    topK: clamp(c.get<number>('topK') ?? 10, 1, 100),
    maxTokens: clamp(c.get<number>('maxTokens') ?? 2048, 1, 32768),
    engine: {
      provider: c.get<EngineSettings['provider']>('executionProvider') ?? 'auto',
      threads: clamp(c.get<number>('threads') ?? 0, 0, 64),
    },
  };
}

function expandModelPath(p: string): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (p.startsWith('${workspaceFolder}') && folder) return join(folder, p.slice('${workspaceFolder}'.length));
  if (p.startsWith('~/')) return join(process.env.HOME ?? '', p.slice(2));
  return p;
}

function clamp(v: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(v)));
}
