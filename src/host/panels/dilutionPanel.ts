import * as vscode from 'vscode';
import { PanelHost } from './panelHost';
import { toWireError } from '../../protocol/rpc';
import type { DilutionHostApi, DilutionPanelApi, DilutionView } from '../../protocol/dilutionPanel';

export const DILUTION_VIEW_TYPE = 'tensorloupe.dilution';

/** The attention-dilution panel: per-layer curves against prefix length, drawn as lengths arrive. */
export class DilutionPanel {
  private static current: DilutionPanel | undefined;
  private readonly host: PanelHost<DilutionHostApi, DilutionPanelApi>;
  private rerun: (() => void) | undefined;

  static show(extensionUri: vscode.Uri): DilutionPanel {
    if (DilutionPanel.current) {
      DilutionPanel.current.host.panel.reveal(undefined, true);
      return DilutionPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(DILUTION_VIEW_TYPE, 'Attention Dilution', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      retainContextWhenHidden: true,
    });
    DilutionPanel.current = new DilutionPanel(panel, extensionUri);
    return DilutionPanel.current;
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): void {
    DilutionPanel.current?.host.panel.dispose();
    DilutionPanel.current = new DilutionPanel(panel, extensionUri);
    DilutionPanel.current.error({ code: 'Restored', message: 'Select text and run "Tensorloupe: Attention Dilution" to fill this panel again.' });
  }

  private constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
    this.host = new PanelHost<DilutionHostApi, DilutionPanelApi>(
      panel,
      extensionUri,
      { viewType: DILUTION_VIEW_TYPE, title: 'Attention Dilution', bundle: 'dilution' },
      {
        retry: () => {
          this.rerun?.();
          return null;
        },
      },
      () => {
        if (DilutionPanel.current === this) DilutionPanel.current = undefined;
      },
    );
  }

  setRerun(rerun: () => void): void {
    this.rerun = rerun;
  }

  loading(message: string): void {
    this.host.notify('loading', { message });
  }

  display(view: DilutionView): void {
    this.host.panel.title = `Attention Dilution · ${view.result.model.name}`;
    this.host.notify('show', view);
  }

  error(error: unknown): void {
    const wire = toWireError(error);
    this.host.notify('error', { ...wire, engineRestarted: wire.code === 'EngineCrashed' });
  }
}
