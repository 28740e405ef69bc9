import * as vscode from 'vscode';
import { PanelSlot, ResultPanel } from './resultPanel';
import { asObject, intIn } from '../../util/validate';
import type { AblationRequest, AblationSummary } from '../../protocol/ablationPanel';
import { INDUCTION_LIMITS, type InductionHostApi, type InductionScanSettings, type InductionView } from '../../protocol/inductionPanel';

export const INDUCTION_VIEW_TYPE = 'tensorloupe.induction';

const SPEC = { viewType: INDUCTION_VIEW_TYPE, title: 'Induction Heads', bundle: 'induction', command: { id: 'tensorloupe.findInductionHeads', title: 'Tensorloupe: Find Induction Heads' }, column: vscode.ViewColumn.Active };
const slot = new PanelSlot<InductionPanel>(SPEC);

/** The induction-scan panel: layers × heads scores, losses per copy, a head's pattern. */
export class InductionPanel extends ResultPanel<InductionHostApi, InductionView> {
  private scan: ((s: InductionScanSettings) => void) | undefined;
  private ablateHeads: ((req: AblationRequest) => Promise<AblationSummary>) | undefined;
  private last: InductionScanSettings | undefined;

  static show(extensionUri: vscode.Uri): InductionPanel {
    return slot.show((panel) => new InductionPanel(panel, extensionUri));
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): void {
    slot.revive(panel, (p) => new InductionPanel(p, extensionUri));
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
        ablate: async (raw) => {
          const o = asObject(raw, 'ablate request');
          const heads = (Array.isArray(o.heads) ? o.heads : []).slice(0, 4096).map((h) => {
            const ho = asObject(h, 'head');
            return { layer: intIn(ho.layer, 0, 10_000, 'layer'), head: intIn(ho.head, 0, 10_000, 'head') };
          });
          if (!this.ablateHeads) throw new Error('Run Find Induction Heads again to ablate heads from this panel.');
          return this.ablateHeads({ heads, mode: o.mode === 'mean' ? 'mean' : 'zero' });
        },
      },
      slot,
    );
  }

  /** Retry repeats the last scan; a restored panel has none, so it runs the command. */
  protected override retry(): void {
    if (this.last && this.scan) this.scan(this.last);
    else super.retry();
  }

  /** what Ablate runs (on the editor's selection) */
  setAblate(ablate: (req: AblationRequest) => Promise<AblationSummary>): void {
    this.ablateHeads = ablate;
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
