import * as vscode from 'vscode';
import { join } from 'node:path';
import { resolveModelSetting } from './settingRules';
import { DEFAULT_AUDIO_MODEL_NAME } from '../util/paths';

/** tensorloupe.audioModel: a folder, a Hub repo id, or empty for the bundled tensorloupe-speech-kws ("${workspaceFolder}" and "~" expanded as for tensorloupe.model). */
export function audioModelSetting(extensionPath: string): string {
  return resolveModelSetting({
    configured: vscode.workspace.getConfiguration('tensorloupe').get<string>('audioModel') ?? '',
    trusted: vscode.workspace.isTrusted,
    bundled: join(extensionPath, 'models', DEFAULT_AUDIO_MODEL_NAME),
    workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
    home: process.env.HOME ?? '',
  });
}

export const AUDIO_EXTENSIONS = ['wav', 'flac', 'mp3', 'ogg'];
