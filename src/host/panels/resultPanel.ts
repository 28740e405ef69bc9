import * as vscode from 'vscode';
import { PanelHost, type PanelSpec } from './panelHost';
import { toWireError, type ApiShape, type Handlers } from '../../protocol/rpc';
import type { ResultHostApi, ResultPanelApi } from '../../protocol/panel';

/**
 * The part all panels share: the panel host (CSP, ready queue, typed RPC), loading / show /
 * error, and Retry running the last request again. One panel per view type is open at a time.
 */
export abstract class ResultPanel<HostApi extends ApiShape & ResultHostApi, View> {
  protected readonly host: PanelHost<HostApi, ResultPanelApi<View>>;
  protected rerun: (() => void) | undefined;

  protected constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly spec: PanelSpec,
    handlers: Omit<Handlers<HostApi>, 'ready' | 'retry'>,
    onDispose: () => void,
  ) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
    const withRetry = {
      ...handlers,
      retry: () => {
        this.retry();
        return null;
      },
    } as Omit<Handlers<HostApi>, 'ready'>;
    this.host = new PanelHost<HostApi, ResultPanelApi<View>>(panel, extensionUri, spec, withRetry, onDispose);
  }

  /** What Retry (and a restored panel's button) runs. */
  protected retry(): void {
    this.rerun?.();
  }

  setRerun(rerun: () => void): void {
    this.rerun = rerun;
  }

  loading(message: string): void {
    this.host.notify('loading', { message });
  }

  /** Shows a result; the tab's title names the model it came from. */
  protected showView(view: View, modelName: string): void {
    this.host.panel.title = `${this.spec.title} · ${modelName}`;
    this.host.notify('show', view);
  }

  error(error: unknown): void {
    const wire = toWireError(error);
    this.host.notify('error', { ...wire, engineRestarted: wire.code === 'EngineCrashed' });
  }

  reveal(): void {
    this.host.panel.reveal(undefined, true);
  }

  dispose(): void {
    this.host.panel.dispose();
  }
}

/** A new webview panel beside the editor (or in it), scripts on and kept alive when hidden. */
export function createWebviewPanel(viewType: string, title: string, column = vscode.ViewColumn.Beside): vscode.WebviewPanel {
  return vscode.window.createWebviewPanel(viewType, title, { viewColumn: column, preserveFocus: column === vscode.ViewColumn.Beside }, {
    enableScripts: true,
    retainContextWhenHidden: true,
  });
}
