import * as vscode from 'vscode';
import { join } from 'node:path';
import { DEFAULT_MODEL_NAME } from '../util/paths';
import { clampSetting, resolveModelSetting, variantSetting } from './settingRules';
import { cachedModelFolder, isHubModelArgument } from '../engine/hub/resolveModelArgument';
import type { EngineSettings } from '../protocol/engine';

export interface Settings {
  /** resolved model folder */
  model: string;
  topK: number;
  maxTokens: number;
  engine: EngineSettings;
}

/**
 * Reads the tensorloupe.* settings. In an untrusted workspace VS Code drops the workspace's own
 * tensorloupe.model (a restricted setting); models in the workspace or from the Hub then wait for
 * the user's consent (modelGate.ts).
 */
export function readSettings(extensionPath: string): Settings {
  const c = vscode.workspace.getConfiguration('tensorloupe');
  const configured = resolveModelSetting({
    configured: c.get<string>('model') ?? '',
    trusted: vscode.workspace.isTrusted,
    bundled: join(extensionPath, 'models', DEFAULT_MODEL_NAME),
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    home: process.env.HOME ?? '',
  });
  // a repo id typed into the setting reads as its cached snapshot (no request); one not cached
  // stays as written and modelGate downloads it on the first run
  const model = isHubModelArgument(configured) ? (cachedModelFolder(configured) ?? configured) : configured;
  return {
    model,
    topK: clampSetting(c.get<unknown>('topK'), 1, 100, 10),
    maxTokens: clampSetting(c.get<unknown>('maxTokens'), 1, 32768, 2048),
    engine: {
      provider: c.get<EngineSettings['provider']>('executionProvider') ?? 'auto',
      threads: clampSetting(c.get<unknown>('threads'), 0, 64, 0),
      variant: variantSetting(c.get<unknown>('variant')),
    },
  };
}
