import * as vscode from 'vscode';
import { PanelSlot, ResultPanel } from './resultPanel';
import type { DlaHostApi, DlaView, PatchingHostApi, PatchingView } from '../../protocol/interventionPanels';

export const DLA_VIEW_TYPE = 'tensorloupe.directLogitAttribution';
export const PATCHING_VIEW_TYPE = 'tensorloupe.activationPatching';

const DLA_SPEC = { viewType: DLA_VIEW_TYPE, title: 'Why This Token?', bundle: 'interventions', command: { id: 'tensorloupe.directLogitAttribution', title: 'Tensorloupe: Why This Token?' }, fromSelection: true };
const PATCHING_SPEC = { viewType: PATCHING_VIEW_TYPE, title: 'Compare Prompts', bundle: 'interventions', command: { id: 'tensorloupe.activationPatching', title: 'Tensorloupe: Compare Prompts (Activation Patching)' }, fromSelection: true };
const dlaSlot = new PanelSlot<DlaPanel>(DLA_SPEC);
const patchingSlot = new PanelSlot<PatchingPanel>(PATCHING_SPEC);

/** Why This Token?: the logit split into embedding, heads, MLPs and bias, as sorted bars. */
export class DlaPanel extends ResultPanel<DlaHostApi, DlaView> {
  static show(extensionUri: vscode.Uri): DlaPanel {
    return dlaSlot.show((panel) => new DlaPanel(panel, extensionUri));
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): void {
    dlaSlot.revive(panel, (p) => new DlaPanel(p, extensionUri));
  }

  private constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri) {
    super(panel, extensionUri, DLA_SPEC, {}, dlaSlot);
  }

  display(view: DlaView): void {
    this.showView(view, view.result.model.name);
  }
}

/** Compare Prompts: patching heatmaps, filled layer by layer. */
export class PatchingPanel extends ResultPanel<PatchingHostApi, PatchingView> {
  static show(extensionUri: vscode.Uri): PatchingPanel {
    return patchingSlot.show((panel) => new PatchingPanel(panel, extensionUri));
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): void {
    patchingSlot.revive(panel, (p) => new PatchingPanel(p, extensionUri));
  }

  private constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri) {
    super(panel, extensionUri, PATCHING_SPEC, {}, patchingSlot);
  }

  display(view: PatchingView): void {
    const model = view.hooks[0]?.result.model.name ?? '';
    this.showView(view, model);
  }
}
