import * as vscode from 'vscode';
import { join } from 'node:path';
import { resolveModelSetting } from './settingRules';
import { cachedModelFolder, isHubModelArgument } from '../engine/hub/resolveModelArgument';
import { DEFAULT_AUDIO_MODEL_NAME, DEFAULT_VISION_MODEL_NAME } from '../engine/models/defaultModels';

/**
 * tensorloupe.visionModel / tensorloupe.audioModel: the model image and sound commands use,
 * resolved as tensorloupe.model is (empty: the bundled one; ${workspaceFolder}, ~, a Hub repo id).
 * Text commands read tensorloupe.model only, so a text command never runs a vision model and an
 * image command never runs the text model.
 */
export function readModalityModel(extensionPath: string, modality: 'vision' | 'audio'): string {
  const c = vscode.workspace.getConfiguration('tensorloupe');
  const configured = resolveModelSetting({
    configured: c.get<string>(`${modality}Model`) ?? '',
    trusted: vscode.workspace.isTrusted,
    bundled: join(extensionPath, 'models', modality === 'vision' ? DEFAULT_VISION_MODEL_NAME : DEFAULT_AUDIO_MODEL_NAME),
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    home: process.env.HOME ?? '',
  });
  return isHubModelArgument(configured) ? (cachedModelFolder(configured) ?? configured) : configured;
}
