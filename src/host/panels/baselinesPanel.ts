import * as vscode from 'vscode';
import { PanelSlot, ResultPanel } from './resultPanel';
import { asObject, intIn, oneOf } from '../../util/validate';
import { BASELINE_MODES, type BaselineMode, type BaselinesHostApi, type BaselinesView } from '../../protocol/baselinesPanel';

export const BASELINES_VIEW_TYPE = 'tensorloupe.baselines';

const SPEC = { viewType: BASELINES_VIEW_TYPE, title: 'Baselines', bundle: 'baselines', command: { id: 'tensorloupe.compareBaselines', title: 'Tensorloupe: Compare with Baselines' }, fromSelection: true };
const slot = new PanelSlot<BaselinesPanel>(SPEC);

/** Compare with Baselines: the model's bits beside the n-gram's and the bag's, and verbatim matches. */
export class BaselinesPanel extends ResultPanel<BaselinesHostApi, BaselinesView> {
  private onMode: ((mode: BaselineMode) => void) | undefined;
  private onOpen: ((index: number) => void) | undefined;

  static show(extensionUri: vscode.Uri): BaselinesPanel {
    return slot.show((panel) => new BaselinesPanel(panel, extensionUri));
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): void {
    slot.revive(panel, (p) => new BaselinesPanel(p, extensionUri));
  }

  private constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri) {
    super(
      panel,
      extensionUri,
      SPEC,
      {
        // the webview is untrusted: each field is checked before it reaches the editor
        mode: (raw) => {
          this.onMode?.(oneOf(asObject(raw, 'mode').mode, BASELINE_MODES, 'mode'));
          return null;
        },
        openMatch: (raw) => {
          this.onOpen?.(intIn(asObject(raw, 'match').index, 0, 1_000_000, 'match index'));
          return null;
        },
      },
      slot,
    );
  }

  setHandlers(onMode: (mode: BaselineMode) => void, onOpen: (index: number) => void): void {
    this.onMode = onMode;
    this.onOpen = onOpen;
  }

  display(view: BaselinesView): void {
    this.showView(view, view.result.model.name);
  }
}
