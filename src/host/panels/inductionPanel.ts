import * as vscode from 'vscode';
import { ResultPanel, createWebviewPanel } from './resultPanel';
import { asObject, intIn } from '../validate';
import { INDUCTION_LIMITS, type InductionHostApi, type InductionScanSettings, type InductionView } from '../../protocol/inductionPanel';

export const INDUCTION_VIEW_TYPE = 'tensorloupe.induction';

const SPEC = { viewType: INDUCTION_VIEW_TYPE, title: 'Induction Heads', bundle: 'induction' };

/** The induction-scan panel: layers × heads scores, losses per copy, a head's pattern. */
export class InductionPanel extends ResultPanel<InductionHostApi, InductionView> {
  private static current: InductionPanel | undefined;
  private scan: ((s: InductionScanSettings) => void) | undefined;
  private last: InductionScanSettings | undefined;

  static show(extensionUri: vscode.Uri): InductionPanel {
    InductionPanel.current?.reveal();
    InductionPanel.current ??= new InductionPanel(createWebviewPanel(INDUCTION_VIEW_TYPE, SPEC.title, vscode.ViewColumn.Active), extensionUri);
    return InductionPanel.current;
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): void {
    InductionPanel.current?.dispose();
    InductionPanel.current = new InductionPanel(panel, extensionUri);
    InductionPanel.current.error({ code: 'Restored', message: 'Run "Tensorloupe: Find Induction Heads" (or Retry) to scan again.' });
  }

  private constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri) {
    super(
      panel,
      extensionUri,
      SPEC,
      {
        scan: (raw) => {
          const o = asObject(raw, 'scan request');
          const [sMin, sMax] = INDUCTION_LIMITS.seqLen;
          const [bMin, bMax] = INDUCTION_LIMITS.batch;
          const [dMin, dMax] = INDUCTION_LIMITS.seed;
          this.scan?.({ seqLen: intIn(o.seqLen, sMin, sMax, 'sequence length'), batch: intIn(o.batch, bMin, bMax, 'batch'), seed: intIn(o.seed, dMin, dMax, 'seed') });
          return null;
        },
      },
      () => {
        if (InductionPanel.current === this) InductionPanel.current = undefined;
      },
    );
  }

  /** A restored panel has no scan yet: the command opens this panel and scans. */
  protected override retry(): void {
    if (this.last && this.scan) this.scan(this.last);
    else void vscode.commands.executeCommand('tensorloupe.findInductionHeads');
  }

  /** what a scan request from the panel (or Retry) runs */
  setScan(scan: (s: InductionScanSettings) => void): void {
    this.scan = scan;
  }

  scanning(message: string, settings: InductionScanSettings): void {
    this.last = settings;
    this.loading(message);
  }

  display(view: InductionView): void {
    this.showView(view, view.result.model.name);
  }
}
