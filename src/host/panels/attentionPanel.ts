import * as vscode from 'vscode';
import { PanelHost } from './panelHost';
import { asObject, intIn, shortString } from '../validate';
import { toWireError } from '../../protocol/rpc';
import type { EngineClient } from '../engineClient';
import type { AttentionHostApi, AttentionPanelApi, AttentionView } from '../../protocol/attentionPanel';

export const ATTENTION_VIEW_TYPE = 'tensorloupe.attention';

/** The attention-map panel: model view, head view and per-head statistics. One per window. */
export class AttentionPanel {
  private static current: AttentionPanel | undefined;
  private readonly host: PanelHost<AttentionHostApi, AttentionPanelApi>;
  private rerun: (() => void) | undefined;

  static show(extensionUri: vscode.Uri, engine: EngineClient): AttentionPanel {
    if (AttentionPanel.current) {
      AttentionPanel.current.host.panel.reveal(undefined, true);
      return AttentionPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(ATTENTION_VIEW_TYPE, 'Attention', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      retainContextWhenHidden: true,
    });
    AttentionPanel.current = new AttentionPanel(panel, extensionUri, engine);
    return AttentionPanel.current;
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, engine: EngineClient): void {
    AttentionPanel.current?.host.panel.dispose();
    AttentionPanel.current = new AttentionPanel(panel, extensionUri, engine);
    AttentionPanel.current.error({ code: 'Restored', message: 'Select text and run "Tensorloupe: Open Attention Map" to fill this panel again.' });
  }

  private constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, engine: EngineClient) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
    this.host = new PanelHost<AttentionHostApi, AttentionPanelApi>(
      panel,
      extensionUri,
      { viewType: ATTENTION_VIEW_TYPE, title: 'Attention', bundle: 'attention' },
      {
        head: (raw) => {
          const o = asObject(raw, 'head request');
          return engine.call('attention/head', {
            runId: shortString(o.runId, 64, 'runId'),
            layer: intIn(o.layer, 0, 1000, 'layer'),
            head: intIn(o.head, 0, 1000, 'head'),
          });
        },
        retry: () => {
          this.rerun?.();
          return null;
        },
      },
      () => {
        if (AttentionPanel.current === this) AttentionPanel.current = undefined;
      },
    );
  }

  setRerun(rerun: () => void): void {
    this.rerun = rerun;
  }

  loading(message: string): void {
    this.host.notify('loading', { message });
  }

  display(view: AttentionView): void {
    this.host.panel.title = `Attention · ${view.summary.model.name}`;
    this.host.notify('show', view);
  }

  error(error: unknown): void {
    const wire = toWireError(error);
    this.host.notify('error', { ...wire, engineRestarted: wire.code === 'EngineCrashed' });
  }
}
