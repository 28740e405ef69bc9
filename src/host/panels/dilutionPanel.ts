import * as vscode from 'vscode';
import { PanelSlot, ResultPanel } from './resultPanel';
import type { DilutionHostApi, DilutionView } from '../../protocol/dilutionPanel';

export const DILUTION_VIEW_TYPE = 'tensorloupe.dilution';
const SPEC = { viewType: DILUTION_VIEW_TYPE, title: 'Attention Dilution', bundle: 'dilution', command: { id: 'tensorloupe.attentionDilution', title: 'Tensorloupe: Attention Dilution' }, fromSelection: true };
const slot = new PanelSlot<DilutionPanel>(SPEC);

/** The attention-dilution panel: per-layer curves against prefix length, drawn as lengths arrive. */
export class DilutionPanel extends ResultPanel<DilutionHostApi, DilutionView> {
  static show(extensionUri: vscode.Uri): DilutionPanel {
    return slot.show((panel) => new DilutionPanel(panel, extensionUri));
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): void {
    slot.revive(panel, (p) => new DilutionPanel(p, extensionUri));
  }

  private constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri) {
    super(panel, extensionUri, SPEC, {}, slot);
  }

  display(view: DilutionView): void {
    this.showView(view, view.result.model.name);
  }
}
