import * as vscode from 'vscode';
import { PanelSlot, ResultPanel } from './resultPanel';
import { asObject, intIn, shortString } from '../../util/validate';
import type { EngineClient } from '../engineClient';
import type { EditorText } from '../selection';
import { ablateAndHighlight } from '../ablationHighlight';
import { runWithProgress } from '../commands/runWithProgress';
import { eitherCancel } from '../engineClient';
import type { AttentionHostApi, AttentionView } from '../../protocol/attentionPanel';

export const ATTENTION_VIEW_TYPE = 'tensorloupe.attention';
const SPEC = { viewType: ATTENTION_VIEW_TYPE, title: 'Attention', bundle: 'attention', command: { id: 'tensorloupe.openAttentionMap', title: 'Tensorloupe: Open Attention Map' }, fromSelection: true };
const slot = new PanelSlot<AttentionPanel>(SPEC);

/** The attention-map panel: model view, head view and per-head statistics. One per window. */
export class AttentionPanel extends ResultPanel<AttentionHostApi, AttentionView> {
  /** the text the maps were made from, for Ablate (none in a restored panel) */
  private ablationSource: { source: EditorText; model: string } | undefined;

  static show(extensionUri: vscode.Uri, engine: EngineClient): AttentionPanel {
    return slot.show((panel) => new AttentionPanel(panel, extensionUri, engine));
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, engine: EngineClient): void {
    slot.revive(panel, (p) => new AttentionPanel(p, extensionUri, engine));
  }

  private constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, engine: EngineClient) {
    super(
      panel,
      extensionUri,
      SPEC,
      {
        head: (raw) => {
          const o = asObject(raw, 'head request');
          return engine.call('attention/head', {
            runId: shortString(o.runId, 64, 'runId'),
            layer: intIn(o.layer, 0, 1000, 'layer'),
            head: intIn(o.head, 0, 1000, 'head'),
          });
        },
        ablate: async (raw, signal) => {
          const o = asObject(raw, 'ablate request');
          const heads = (Array.isArray(o.heads) ? o.heads : []).slice(0, 4096).map((h) => {
            const ho = asObject(h, 'head');
            return { layer: intIn(ho.layer, 0, 10_000, 'layer'), head: intIn(ho.head, 0, 10_000, 'head') };
          });
          const mode = o.mode === 'mean' ? 'mean' : 'zero';
          const from = this.ablationSource;
          if (!from) throw new Error('This panel was restored after a reload: run Open Attention Map again to ablate heads.');
          return runWithProgress(engine, 'Tensorloupe: ablating heads', (cancel) => ablateAndHighlight(engine, from.source, from.model, { heads, mode }, eitherCancel(cancel, signal)));
        },
      },
      slot,
    );
  }

  setAblationSource(source: EditorText, model: string): void {
    this.ablationSource = { source, model };
  }

  display(view: AttentionView): void {
    this.showView(view, view.summary.model.name);
  }
}
