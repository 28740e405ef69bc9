import * as vscode from 'vscode';
import { PanelSlot, ResultPanel } from './resultPanel';
import type { ModelInfoHostApi, ModelInfoView } from '../../protocol/modelInfoPanel';

export const MODEL_INFO_VIEW_TYPE = 'tensorloupe.modelInfo';

const SPEC = { viewType: MODEL_INFO_VIEW_TYPE, title: 'Model Info', bundle: 'modelInfo', command: { id: 'tensorloupe.showModelInfo', title: 'Tensorloupe: Show Model Info' } };
const slot = new PanelSlot<ModelInfoPanel>(SPEC);

/** Model Info: what the model is, where it runs and what instrumentation found (tables only). */
export class ModelInfoPanel extends ResultPanel<ModelInfoHostApi, ModelInfoView> {
  static show(extensionUri: vscode.Uri): ModelInfoPanel {
    return slot.show((panel) => new ModelInfoPanel(panel, extensionUri));
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): void {
    slot.revive(panel, (p) => new ModelInfoPanel(p, extensionUri));
  }

  private constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri) {
    super(panel, extensionUri, SPEC, {}, slot);
  }

  display(view: ModelInfoView): void {
    this.showView(view, view.report.name);
  }
}
