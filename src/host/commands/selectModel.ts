import * as vscode from 'vscode';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readSettings } from '../settings';
import { runWithProgress } from './runWithProgress';
import type { EngineClient } from '../engineClient';

interface ModelPick extends vscode.QuickPickItem {
  path?: string;
  browse?: boolean;
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
      path: name === 'tensorloupe-code-lm' ? '' : join(modelsDir, name),
    })),
    { label: '$(folder-opened) Choose a model folder…', browse: true },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'Tensorloupe: Select Model', placeHolder: `Current: ${current}` });
  if (!pick) return;
  let path = pick.path;
  if (pick.browse) {
    const uri = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: true, filters: { ONNX: ['onnx'] }, openLabel: 'Use this model' });
    if (!uri?.[0]) return;
    path = uri[0].fsPath;
  }
  await vscode.workspace.getConfiguration('tensorloupe').update('model', path ?? '', vscode.ConfigurationTarget.Global);
  const model = readSettings(context.extensionPath).model;
  try {
    const info = await runWithProgress(engine, 'Tensorloupe: loading model', (cancel) => engine.call('model/load', { model }, cancel));
    const note = info.providerNote ? ` ${info.providerNote}` : '';
    void vscode.window.showInformationMessage(
      `Tensorloupe: ${info.name} loaded (${info.modelType}, ${info.nLayers} layers, context ${info.contextLength}, ${info.provider}, ${Math.round(info.loadMs)} ms).${note}`,
    );
  } catch (error) {
    void vscode.window.showErrorMessage(`Tensorloupe: ${(error as Error).message}`);
  }
}
