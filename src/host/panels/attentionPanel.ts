import * as vscode from 'vscode';
import { ResultPanel, createWebviewPanel } from './resultPanel';
import { asObject, intIn, shortString } from '../validate';
import type { EngineClient } from '../engineClient';
import type { AttentionHostApi, AttentionView } from '../../protocol/attentionPanel';

export const ATTENTION_VIEW_TYPE = 'tensorloupe.attention';
const SPEC = { viewType: ATTENTION_VIEW_TYPE, title: 'Attention', bundle: 'attention' };

/** The attention-map panel: model view, head view and per-head statistics. One per window. */
export class AttentionPanel extends ResultPanel<AttentionHostApi, AttentionView> {
  private static current: AttentionPanel | undefined;

  static show(extensionUri: vscode.Uri, engine: EngineClient): AttentionPanel {
    AttentionPanel.current?.reveal();
    AttentionPanel.current ??= new AttentionPanel(createWebviewPanel(ATTENTION_VIEW_TYPE, SPEC.title), extensionUri, engine);
    return AttentionPanel.current;
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, engine: EngineClient): void {
    AttentionPanel.current?.dispose();
    AttentionPanel.current = new AttentionPanel(panel, extensionUri, engine);
    AttentionPanel.current.error({ code: 'Restored', message: 'Select text and run "Tensorloupe: Open Attention Map" to fill this panel again.' });
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
      },
      () => {
        if (AttentionPanel.current === this) AttentionPanel.current = undefined;
      },
    );
  }

  display(view: AttentionView): void {
    this.showView(view, view.summary.model.name);
  }
}
