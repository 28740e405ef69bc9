import * as vscode from 'vscode';
import { hubEnv } from '../../engine/hub/hubEnv';
import { checkRevision, isRepoId } from '../../engine/hub/hubNames';
import { downloadWithProgress } from '../hubDownloadProgress';
import { HUB_TOKEN_SECRET } from './hubToken';
import { variantSetting } from '../settingRules';

/**
 * Select Model → Hugging Face Hub…: asks for `org/name` and an optional revision, downloads the
 * files the model needs into the Hugging Face cache (progress, Cancel; nothing is requested when
 * the cache has them) and answers the snapshot folder, which Select Model then loads and saves.
 * undefined: the user backed out or cancelled.
 */
export async function pickHubModel(context: vscode.ExtensionContext): Promise<string | undefined> {
  const repo = await vscode.window.showInputBox({
    title: 'Tensorloupe: Hugging Face Hub model',
    prompt: 'Repo id of an ONNX model (onnx/model.onnx, as transformers.js and Optimum publish them)',
    placeHolder: 'org/name, e.g. onnx-community/gpt2',
    ignoreFocusOut: true,
    validateInput: (v) => (isRepoId(v.trim()) ? undefined : 'A repo id is org/name (letters, digits, . _ -).'),
  });
  if (!repo) return undefined;
  const revision = await vscode.window.showInputBox({
    title: `Tensorloupe: revision of ${repo.trim()}`,
    prompt: 'Branch, tag or commit (Enter: main)',
    placeHolder: 'main',
    ignoreFocusOut: true,
    validateInput: (v) => {
      if (!v.trim()) return undefined;
      try {
        checkRevision(v.trim());
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    },
  });
  if (revision === undefined) return undefined;
  const token = await context.secrets.get(HUB_TOKEN_SECRET);
  const result = await downloadWithProgress({
    repo: repo.trim(),
    revision: revision.trim() || 'main',
    // only the files of the variant the engine will load (tensorloupe.variant)
    variant: variantSetting(vscode.workspace.getConfiguration('tensorloupe').get<unknown>('variant')),
    env: hubEnv(process.env, token),
  });
  return result.snapshot;
}
