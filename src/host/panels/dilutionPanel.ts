import * as vscode from 'vscode';
import { ResultPanel, createWebviewPanel } from './resultPanel';
import type { DilutionHostApi, DilutionView } from '../../protocol/dilutionPanel';

export const DILUTION_VIEW_TYPE = 'tensorloupe.dilution';
const SPEC = { viewType: DILUTION_VIEW_TYPE, title: 'Attention Dilution', bundle: 'dilution' };

/** The attention-dilution panel: per-layer curves against prefix length, drawn as lengths arrive. */
export class DilutionPanel extends ResultPanel<DilutionHostApi, DilutionView> {
  private static current: DilutionPanel | undefined;

  static show(extensionUri: vscode.Uri): DilutionPanel {
    DilutionPanel.current?.reveal();
    DilutionPanel.current ??= new DilutionPanel(createWebviewPanel(DILUTION_VIEW_TYPE, SPEC.title), extensionUri);
    return DilutionPanel.current;
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): void {
    DilutionPanel.current?.dispose();
    DilutionPanel.current = new DilutionPanel(panel, extensionUri);
    DilutionPanel.current.error({ code: 'Restored', message: 'Select text and run "Tensorloupe: Attention Dilution" to fill this panel again.' });
  }

  private constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri) {
    super(panel, extensionUri, SPEC, {}, () => {
      if (DilutionPanel.current === this) DilutionPanel.current = undefined;
    });
  }

  display(view: DilutionView): void {
    this.showView(view, view.result.model.name);
  }
}
