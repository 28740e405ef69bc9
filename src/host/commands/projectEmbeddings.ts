import * as vscode from 'vscode';
import { editorTextOrWarn, sourceLabel } from '../selection';
import { readSettings } from '../settings';
import { ProjectorPanel } from '../panels/projectorPanel';
import { runWithProgress } from './runWithProgress';
import { probeFilePicker } from './applyProbe';
import type { EngineClient } from '../engineClient';
import type { ProjectorChoice } from '../../protocol/projectorPanel';
import type { SelectionSource } from '../../protocol/panel';

/**
 * Tensorloupe: Project Embeddings — with a selection, the last layer's residual stream at its
 * tokens (PCA); without one, the model's input embedding matrix. The panel's controls run other
 * projections (source, layer, PCA/UMAP, seed) of the same selection.
 */
export async function projectEmbeddings(context: vscode.ExtensionContext, engine: EngineClient): Promise<void> {
  const settings = readSettings(context.extensionPath);
  let selection: { text: string; source: SelectionSource } | undefined;
  const editor = vscode.window.activeTextEditor;
  if (editor && !editor.selection.isEmpty) {
    // a selection that cannot be read (binary, too long) is said so, not projected as the embedding matrix instead
    const t = editorTextOrWarn(false);
    if (!t) return;
    selection = { text: t.text, source: sourceLabel(t) };
  }
  const panel = ProjectorPanel.show(context.extensionUri, engine, () => settings.model, probeFilePicker(context));
  const info = await engine.call('model/load', { model: settings.model }).catch(() => undefined);
  const nLayers = info?.nLayers ?? 1;
  const run = async (choice: ProjectorChoice) => {
    const resid = choice.source === 'resid' && selection;
    panel.loading(resid ? `Projecting blocks.${choice.layer}.hook_resid_post of the selection’s tokens (${choice.method.toUpperCase()})…` : `Projecting the input embedding matrix (${choice.method.toUpperCase()})…`);
    try {
      const result = await runWithProgress(engine, `Tensorloupe: project embeddings (${choice.method.toUpperCase()})`, (cancel) =>
        engine.call(
          'projector/project',
          resid
            ? { model: settings.model, source: 'resid', layer: choice.layer, texts: [{ text: selection!.text, file: selection!.source.fileName }], method: choice.method, seed: choice.seed }
            : { model: settings.model, source: 'embeddings', method: choice.method, seed: choice.seed },
          cancel,
        ),
      );
      panel.display({ source: resid ? selection!.source : null, result, nLayers, choice: resid ? choice : { ...choice, source: 'embeddings' } });
    } catch (error) {
      panel.error(error);
    }
  };
  let last: ProjectorChoice = { source: selection ? 'resid' : 'embeddings', layer: Math.max(0, nLayers - 1), method: 'pca', seed: 0 };
  panel.setOnProject((choice) => {
    last = choice;
    void run(choice);
  });
  panel.setRerun(() => void run(last));
  await run(last);
}
