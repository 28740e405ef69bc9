import * as vscode from 'vscode';
import { PanelSlot, ResultPanel } from './resultPanel';
import type { FutureHostApi, FutureView } from '../../protocol/futurePanel';

export const FUTURE_VIEW_TYPE = 'tensorloupe.futureTokens';
const SPEC = { viewType: FUTURE_VIEW_TYPE, title: 'Future Tokens', bundle: 'futureTokens', command: { id: 'tensorloupe.futureTokens', title: 'Tensorloupe: Probe Future Tokens' } };
const slot = new PanelSlot<FuturePanel>(SPEC);

/** The future-token panel: the layer × k grid beside the n-gram lookup, and the selection's guesses. */
export class FuturePanel extends ResultPanel<FutureHostApi, FutureView> {
  static show(extensionUri: vscode.Uri): FuturePanel {
    return slot.show((panel) => new FuturePanel(panel, extensionUri));
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): void {
    slot.revive(panel, (p) => new FuturePanel(p, extensionUri));
  }

  private constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri) {
    super(panel, extensionUri, SPEC, {}, slot);
  }

  display(view: FutureView): void {
    this.showView(view, view.result.model);
  }
}
