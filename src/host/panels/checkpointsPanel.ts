import * as vscode from 'vscode';
import { PanelSlot, ResultPanel } from './resultPanel';
import type { CheckpointsHostApi, CheckpointsView } from '../../protocol/checkpointsPanel';

export const CHECKPOINTS_VIEW_TYPE = 'tensorloupe.checkpoints';
const SPEC = { viewType: CHECKPOINTS_VIEW_TYPE, title: 'Checkpoints', bundle: 'checkpoints', command: { id: 'tensorloupe.compareCheckpoints', title: 'Tensorloupe: Compare Checkpoints' } };
const slot = new PanelSlot<CheckpointsPanel>(SPEC);

/** The Compare Checkpoints panel: charts against the training step and a slider over the induction grid. */
export class CheckpointsPanel extends ResultPanel<CheckpointsHostApi, CheckpointsView> {
  static show(extensionUri: vscode.Uri): CheckpointsPanel {
    return slot.show((panel) => new CheckpointsPanel(panel, extensionUri));
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): void {
    slot.revive(panel, (p) => new CheckpointsPanel(p, extensionUri));
  }

  private constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri) {
    super(panel, extensionUri, SPEC, {}, slot);
  }

  display(view: CheckpointsView): void {
    this.showView(view, view.result.model);
  }
}
