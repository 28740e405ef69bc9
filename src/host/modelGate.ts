import * as vscode from 'vscode';
import { basename } from 'node:path';
import { ModelLoadError } from '../engine/errors';
import { hubEnv } from '../engine/hub/hubEnv';
import { isRepoId } from '../engine/hub/hubNames';
import { isHubModelArgument, prepareSnapshotPath, repoIdOfSnapshot } from '../engine/hub/resolveModelArgument';
import { needsConsent } from './trustRules';
import { downloadWithProgress } from './hubDownloadProgress';
import { HUB_TOKEN_SECRET } from './commands/hubToken';

/**
 * What every engine request's `model` passes through on the host before the engine sees it:
 * a Hub repo id (typed into tensorloupe.model by hand) becomes its cache snapshot, downloaded
 * with progress if missing; and in an untrusted workspace a model from the workspace or the Hub
 * is loaded only after a modal yes, remembered per model until the window closes.
 */
export function createModelGate(context: vscode.ExtensionContext): (model: string) => Promise<string> {
  const consented = new Set<string>();
  return async (model) => {
    let path = model;
    if (isHubModelArgument(model)) {
      // the value is the user's own (the workspace's is dropped in restricted mode), so fetching
      // it is theirs to ask; loading it is what waits for consent, below
      const token = await context.secrets.get(HUB_TOKEN_SECRET);
      path = (await downloadWithProgress({ repo: model, env: hubEnv(process.env, token) })).snapshot;
    }
    await askConsent(path, consented);
    prepareSnapshotPath(path);
    return path;
  };
}

async function askConsent(model: string, consented: Set<string>): Promise<void> {
  if (consented.has(model)) return;
  const c = { trusted: vscode.workspace.isTrusted, workspaceFolders: (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath), hubCacheDir: hubEnv().cacheDir };
  if (!needsConsent(model, c)) return;
  const name = repoIdOfSnapshot(model) ?? (isRepoId(model) ? model : basename(model));
  const from = repoIdOfSnapshot(model) || isRepoId(model) ? 'was downloaded from the Hugging Face Hub' : 'comes from this workspace';
  const load = 'Load Model';
  const answer = await vscode.window.showWarningMessage(
    `This workspace is not trusted. Load the model ${name}?`,
    { modal: true, detail: `${model} ${from}. Loading a model runs onnxruntime's native code on its files; load it only if you trust where it came from. Tensorloupe asks once per model until the window closes.` },
    load,
  );
  if (answer !== load) {
    throw new ModelLoadError(`${name} was not loaded: the workspace is not trusted and loading it was declined. Trust the workspace, or choose another model (Tensorloupe: Select Model).`);
  }
  consented.add(model);
}
