import * as vscode from 'vscode';
import { readSettings } from '../settings';
import { readModalityModel } from '../visionSettings';
import { CrossModalPanel } from '../panels/crossModalPanel';
import { runWithProgress } from './runWithProgress';
import type { EngineClient } from '../engineClient';
import type { CrossModalMethod, CrossModalParams } from '../../protocol/crossModal';

type Source = { modality: 'vision' | 'audio'; jsonl: boolean };

/**
 * Tensorloupe: Fit Cross-Modal Map — asks the source (the vision or audio model's bundled samples,
 * or a JSONL of pairs for it), the layer to table and the method, then fits a linear map from that
 * model's embeddings to the text model's input embeddings (tensorloupe.model) on some classes and
 * tests it on the rest; the panel charts retrieval per layer against the shuffled-pairs control.
 */
export async function fitCrossModalMap(context: vscode.ExtensionContext, engine: EngineClient): Promise<void> {
  const source = await vscode.window.showQuickPick<vscode.QuickPickItem & { source: Source }>([
    { label: '$(file-media) Images of characters → text', description: 'tensorloupe.visionModel, its samples/crossmodal/', source: { modality: 'vision', jsonl: false } },
    { label: '$(unmute) Spoken words → text', description: 'tensorloupe.audioModel, its samples/crossmodal/', source: { modality: 'audio', jsonl: false } },
    { label: '$(json) Image pairs from a JSONL file…', description: '{"image": path, "text": "..."} a line', source: { modality: 'vision', jsonl: true } },
    { label: '$(json) Sound pairs from a JSONL file…', description: '{"audio": path, "text": "..."} a line', source: { modality: 'audio', jsonl: true } },
  ], { title: 'Tensorloupe: Fit Cross-Modal Map (1/3): map what to the text model?', placeHolder: 'source of the pairs' });
  if (!source) return;
  let pairs: string | undefined;
  if (source.source.jsonl) {
    const picked = await vscode.window.showOpenDialog({ title: 'Tensorloupe: choose the JSONL file of pairs', canSelectMany: false, filters: { 'JSON Lines': ['jsonl'] }, openLabel: 'Fit' });
    if (!picked?.[0]) return;
    pairs = picked[0].fsPath;
  }
  const layerPick = await vscode.window.showQuickPick([
    { label: 'Chosen by cross-validation', description: 'the layer whose map generalises best to left-out training classes', layer: undefined as number | undefined },
    { label: 'A layer of my choice…', description: '0 = embedding, then after each block', layer: -1 },
  ], { title: 'Tensorloupe: Fit Cross-Modal Map (2/3): the layer whose held-out classes are tabled (every layer is charted)' });
  if (!layerPick) return;
  let layer = layerPick.layer;
  if (layer === -1) {
    const typed = await vscode.window.showInputBox({ title: 'Layer (0 = embedding)', value: '1', validateInput: (v) => (/^\d{1,4}$/.test(v.trim()) ? undefined : 'a whole number, 0 or more') });
    if (typed === undefined) return;
    layer = Number(typed.trim());
  }
  const methodPick = await vscode.window.showQuickPick([
    { label: 'Ridge and Procrustes', methods: ['ridge', 'procrustes'] as CrossModalMethod[] },
    { label: 'Ridge least squares', description: 'λ chosen by cross-validation on the training classes', methods: ['ridge'] as CrossModalMethod[] },
    { label: 'Orthogonal Procrustes', description: 'a rotation after PCA of the source', methods: ['procrustes'] as CrossModalMethod[] },
  ], { title: 'Tensorloupe: Fit Cross-Modal Map (3/3): method' });
  if (!methodPick) return;
  const params: CrossModalParams = {
    from: readModalityModel(context.extensionPath, source.source.modality),
    to: readSettings(context.extensionPath).model,
    ...(pairs ? { pairs } : {}),
    methods: methodPick.methods,
    ...(layer === undefined ? {} : { layer }),
    seed: 0,
  };
  const panel = CrossModalPanel.show(context.extensionUri);
  const run = async () => {
    panel.loading('Embedding every sample at every layer and fitting the maps…');
    try {
      const result = await runWithProgress(engine, 'Tensorloupe: fit cross-modal map', (cancel) => engine.call('crossmodal/fit', params, cancel));
      panel.display({ result });
    } catch (error) {
      panel.error(error);
    }
  };
  panel.setRerun(() => void run());
  await run();
}
