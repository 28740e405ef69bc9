import * as vscode from 'vscode';
import { PanelSlot, ResultPanel } from './resultPanel';
import type { CrossModalHostApi, CrossModalView } from '../../protocol/crossModalPanel';

export const CROSS_MODAL_VIEW_TYPE = 'tensorloupe.crossModal';
const SPEC = { viewType: CROSS_MODAL_VIEW_TYPE, title: 'Cross-Modal Map', bundle: 'crossModal', command: { id: 'tensorloupe.fitCrossModalMap', title: 'Tensorloupe: Fit Cross-Modal Map' } };
const slot = new PanelSlot<CrossModalPanel>(SPEC);

/** The Fit Cross-Modal Map panel: retrieval per source layer and the held-out classes' nearest tokens. */
export class CrossModalPanel extends ResultPanel<CrossModalHostApi, CrossModalView> {
  static show(extensionUri: vscode.Uri): CrossModalPanel {
    return slot.show((panel) => new CrossModalPanel(panel, extensionUri));
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): void {
    slot.revive(panel, (p) => new CrossModalPanel(p, extensionUri));
  }

  private constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri) {
    super(panel, extensionUri, SPEC, {}, slot);
  }

  display(view: CrossModalView): void {
    this.showView(view, `${view.result.from} → ${view.result.to}`);
  }
}
