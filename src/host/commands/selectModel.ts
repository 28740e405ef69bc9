import * as vscode from 'vscode';
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readSettings } from '../settings';
import { DEFAULT_MODEL_NAME } from '../../util/paths';
import { runWithProgress } from './runWithProgress';
import { pickHubModel } from './selectHubModel';
import { repoIdOfSnapshot } from '../../engine/hub/resolveModelArgument';
import type { EngineClient } from '../engineClient';
import type { ModelInfo } from '../../protocol/engine';

interface ModelPick extends vscode.QuickPickItem {
  path?: string;
  browse?: boolean;
  hub?: boolean;
}

/** Tensorloupe: Select Model — a bundled model, or any folder in the Hugging Face layout. */
export async function selectModel(context: vscode.ExtensionContext, engine: EngineClient): Promise<void> {
  const current = readSettings(context.extensionPath).model;
  const modelsDir = join(context.extensionPath, 'models');
  const bundled = existsSync(modelsDir)
    ? readdirSync(modelsDir).filter((name) => existsSync(join(modelsDir, name, 'tokenizer.json')) && existsSync(join(modelsDir, name, 'onnx', 'model.onnx')))
    : [];
  const items: ModelPick[] = [
    ...bundled.map((name) => ({
      label: name,
      description: join(modelsDir, name) === current ? 'bundled · current' : 'bundled',
      path: name === DEFAULT_MODEL_NAME ? '' : join(modelsDir, name),
    })),
    { label: '$(folder-opened) Choose a model folder…', browse: true },
    { label: '$(cloud-download) Hugging Face Hub…', description: 'download into the Hugging Face cache', hub: true },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'Tensorloupe: Select Model', placeHolder: `Current: ${current}` });
  if (!pick) return;
  let path = pick.path;
  if (pick.browse) {
    const uri = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: true, filters: { ONNX: ['onnx'] }, openLabel: 'Use this model' });
    if (!uri?.[0]) return;
    path = uri[0].fsPath;
  }
  if (pick.hub) {
    try {
      path = await pickHubModel(context);
    } catch (error) {
      if ((error as { code?: string }).code !== 'Cancelled') void vscode.window.showErrorMessage(`Tensorloupe: ${(error as Error).message} The model setting is unchanged.`);
      return;
    }
    if (!path) return;
  }
  const setting = path ?? '';
  // Load it before saving it: a model that cannot serve text (an image or audio model, a broken
  // folder) must never become the text model, or every command would fail until the user
  // switched back. The setting and the status bar keep the last good model.
  const candidate = setting === '' ? join(modelsDir, DEFAULT_MODEL_NAME) : setting;
  let info: ModelInfo;
  try {
    info = await runWithProgress(engine, `Tensorloupe: loading ${repoIdOfSnapshot(candidate) ?? basename(candidate)}`, (cancel) => engine.call('model/load', { model: candidate }, cancel));
  } catch (error) {
    if ((error as { code?: string }).code === 'Cancelled') return;
    void vscode.window.showErrorMessage(`Tensorloupe: ${(error as Error).message} The model setting is unchanged (${basename(current)}).`);
    return;
  }
  await vscode.workspace.getConfiguration('tensorloupe').update('model', setting, vscode.ConfigurationTarget.Global);
  const note = info.providerFallback && info.providerNote ? ` ${info.providerNote}` : '';
  void vscode.window.showInformationMessage(
    `Tensorloupe: ${info.name} loaded (${info.modelType}, ${info.nLayers} layers, context ${info.contextLength}, ${info.provider}, ${Math.round(info.loadMs)} ms).${note}`,
  );
}
