import * as vscode from 'vscode';
import { PanelHost } from './panelHost';
import { asObject, intIn } from '../validate';
import { toWireError } from '../../protocol/rpc';
import { INDUCTION_LIMITS, type InductionHostApi, type InductionPanelApi, type InductionScanSettings, type InductionView } from '../../protocol/inductionPanel';

export const INDUCTION_VIEW_TYPE = 'tensorloupe.induction';

/** The induction-scan panel: layers × heads scores, losses per copy, a head's pattern. */
export class InductionPanel {
  private static current: InductionPanel | undefined;
  private readonly host: PanelHost<InductionHostApi, InductionPanelApi>;
  private scan: ((s: InductionScanSettings) => void) | undefined;
  private last: InductionScanSettings | undefined;

  static show(extensionUri: vscode.Uri): InductionPanel {
    if (InductionPanel.current) {
      InductionPanel.current.host.panel.reveal(undefined, true);
      return InductionPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(INDUCTION_VIEW_TYPE, 'Induction Heads', { viewColumn: vscode.ViewColumn.Active, preserveFocus: false }, {
      enableScripts: true,
      retainContextWhenHidden: true,
    });
    InductionPanel.current = new InductionPanel(panel, extensionUri);
    return InductionPanel.current;
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): void {
    InductionPanel.current?.host.panel.dispose();
    InductionPanel.current = new InductionPanel(panel, extensionUri);
    InductionPanel.current.error({ code: 'Restored', message: 'Run "Tensorloupe: Find Induction Heads" (or Retry) to scan again.' });
  }

  private constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
    this.host = new PanelHost<InductionHostApi, InductionPanelApi>(
      panel,
      extensionUri,
      { viewType: INDUCTION_VIEW_TYPE, title: 'Induction Heads', bundle: 'induction' },
      {
        scan: (raw) => {
          const o = asObject(raw, 'scan request');
          const [sMin, sMax] = INDUCTION_LIMITS.seqLen;
          const [bMin, bMax] = INDUCTION_LIMITS.batch;
          const [dMin, dMax] = INDUCTION_LIMITS.seed;
          this.scan?.({ seqLen: intIn(o.seqLen, sMin, sMax, 'sequence length'), batch: intIn(o.batch, bMin, bMax, 'batch'), seed: intIn(o.seed, dMin, dMax, 'seed') });
          return null;
        },
        retry: () => {
          // a restored panel has no scan yet: the command opens this panel and scans
          if (this.last && this.scan) this.scan(this.last);
          else void vscode.commands.executeCommand('tensorloupe.findInductionHeads');
          return null;
        },
      },
      () => {
        if (InductionPanel.current === this) InductionPanel.current = undefined;
      },
    );
  }

  /** what a scan request from the panel (or Retry) runs */
  setScan(scan: (s: InductionScanSettings) => void): void {
    this.scan = scan;
  }

  loading(message: string, settings: InductionScanSettings): void {
    this.last = settings;
    this.host.notify('loading', { message });
  }

  display(view: InductionView): void {
    this.host.panel.title = `Induction Heads · ${view.result.model.name}`;
    this.host.notify('show', view);
  }

  error(error: unknown): void {
    const wire = toWireError(error);
    this.host.notify('error', { ...wire, engineRestarted: wire.code === 'EngineCrashed' });
  }
}
