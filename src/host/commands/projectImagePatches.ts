import * as vscode from 'vscode';
import { readSettings } from '../settings';
import { ProjectorPanel } from '../panels/projectorPanel';
import { QUICK_RUN_MS, runWithProgress } from './runWithProgress';
import { probeFilePicker } from './applyProbe';
import type { EngineClient } from '../engineClient';
import type { ProjectorChoice } from '../../protocol/projectorPanel';
import type { RolloutFusion } from '../../protocol/vision';

export interface PatchRequest {
  runId: string;
  layer: number;
  fusion: RolloutFusion;
  discardRatio: number;
}

/**
 * Inspect Image's "Open patch embeddings in Projector": the inspected run's patch hidden states
 * after the chosen block, in the Projector panel (PCA first; its layer, method and seed controls
 * project the same patches again). Choosing another source there goes back to Project Embeddings.
 */
export async function projectImagePatches(context: vscode.ExtensionContext, engine: EngineClient, req: PatchRequest, imageName: string, nLayers: number): Promise<void> {
  const textModel = () => readSettings(context.extensionPath).model;
  const panel = ProjectorPanel.show(context.extensionUri, engine, textModel, probeFilePicker(context));
  const run = async (choice: ProjectorChoice) => {
    panel.loading(`Projecting the patches of ${imageName} after block ${choice.layer} (${choice.method.toUpperCase()})…`);
    try {
      const result = await runWithProgress(engine, `Tensorloupe: patch embeddings of ${imageName} (${choice.method.toUpperCase()})`, (cancel) =>
        engine.call('vision/patchProjection', { runId: req.runId, layer: choice.layer, method: choice.method, seed: choice.seed, fusion: req.fusion, discardRatio: req.discardRatio }, cancel),
      { showAfterMs: QUICK_RUN_MS });
      panel.display({ source: { fileName: imageName, line: 1, chars: 0 }, result, nLayers, choice: { ...choice, source: 'patches' } });
    } catch (error) {
      panel.error(error);
    }
  };
  let last: ProjectorChoice = { source: 'patches', layer: req.layer, method: 'pca', seed: 0 };
  panel.setOnProject((choice) => {
    if (choice.source !== 'patches') return void vscode.commands.executeCommand('tensorloupe.projectEmbeddings');
    last = choice;
    void run(choice);
  });
  panel.setRerun(() => void run(last));
  await run(last);
}
