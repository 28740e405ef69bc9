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
import { modalityOf, SETTING_OF, type ModelModality } from '../modelKindOfFolder';
import { readModalityModel } from '../visionSettings';
import { DEFAULT_AUDIO_MODEL_NAME, DEFAULT_VISION_MODEL_NAME } from '../../engine/models/defaultModels';
import { checkpointCount } from '../bundledCheckpoints';

interface ModelPick extends vscode.QuickPickItem {
  path?: string;
  browse?: boolean;
  hub?: boolean;
  /** a bundled model's kind; a chosen folder's is read from its files */
  modality?: ModelModality;
}

const GROUP_TITLES: Record<ModelModality, string> = { text: 'Text models (next token, surprisal, attention, lens)', vision: 'Vision models (Inspect Image)', audio: 'Audio models (Inspect Audio)' };
const DEFAULT_OF: Record<ModelModality, string> = { text: DEFAULT_MODEL_NAME, vision: DEFAULT_VISION_MODEL_NAME, audio: DEFAULT_AUDIO_MODEL_NAME };

/** "8 checkpoints (Compare Checkpoints)" for a bundled model that has them */
function checkpointsNote(dir: string): string {
  const n = checkpointCount(dir);
  return n >= 2 ? `${n} checkpoints (Compare Checkpoints)` : '';
}

/**
 * Tensorloupe: Select Model — a bundled model, grouped by kind (text, vision, audio), or any folder
 * in the Hugging Face layout. Each kind is saved to its own setting (tensorloupe.model,
 * visionModel, audioModel), so a text command never runs a vision or audio model and vice versa.
 */
export async function selectModel(context: vscode.ExtensionContext, engine: EngineClient): Promise<void> {
  const current = readSettings(context.extensionPath).model;
  const currentOf: Record<ModelModality, string> = { text: current, vision: readModalityModel(context.extensionPath, 'vision'), audio: readModalityModel(context.extensionPath, 'audio') };
  const modelsDir = join(context.extensionPath, 'models');
  const bundled = existsSync(modelsDir) ? readdirSync(modelsDir).filter((name) => existsSync(join(modelsDir, name, 'onnx', 'model.onnx'))) : [];
  const byKind = (kind: ModelModality): ModelPick[] => {
    const names = bundled.filter((name) => modalityOf(join(modelsDir, name)) === kind && (kind !== 'text' || existsSync(join(modelsDir, name, 'tokenizer.json'))));
    if (names.length === 0) return [];
    return [
      { label: GROUP_TITLES[kind], kind: vscode.QuickPickItemKind.Separator },
      ...names.map((name) => ({
        label: name,
        description: [join(modelsDir, name) === currentOf[kind] ? 'bundled · current' : 'bundled', checkpointsNote(join(modelsDir, name))].filter(Boolean).join(' · '),
        path: name === DEFAULT_OF[kind] ? '' : join(modelsDir, name),
        modality: kind,
      })),
    ];
  };
  const items: ModelPick[] = [
    ...byKind('text'),
    ...byKind('vision'),
    ...byKind('audio'),
    { label: 'Other', kind: vscode.QuickPickItemKind.Separator },
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
  const modality = pick.modality ?? (setting === '' ? 'text' : modalityOf(setting));
  if (modality !== 'text') {
    // images and sound have their own setting; the text model stays as it is
    await vscode.workspace.getConfiguration('tensorloupe').update(SETTING_OF[modality], setting, vscode.ConfigurationTarget.Global);
    const name = setting === '' ? DEFAULT_OF[modality] : (repoIdOfSnapshot(setting) ?? basename(setting));
    void vscode.window.showInformationMessage(`Tensorloupe: ${name} is now the ${modality} model (tensorloupe.${SETTING_OF[modality]}); the text model is still ${basename(current)}.`);
    return;
  }
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
