import * as vscode from 'vscode';
import { PanelHost, type PanelSpec } from './panelHost';
import { besideColumn, trackPanel } from './panelColumn';
import { RpcError, toWireError, type ApiShape, type Handlers } from '../../protocol/rpc';
import type { ResultHostApi, ResultPanelApi } from '../../protocol/panel';

/**
 * The part all panels share: the panel host (CSP, ready queue, typed RPC), loading / show /
 * error, and Retry running the last request again. One panel per view type is open at a time.
 */
export abstract class ResultPanel<HostApi extends ApiShape & ResultHostApi, View, PanelApi extends ApiShape & ResultPanelApi<View> = ResultPanelApi<View>> {
  /** `PanelApi`: a panel that is told more than loading / show / error names it */
  protected readonly host: PanelHost<HostApi, PanelApi>;
  protected rerun: (() => void) | undefined;

  protected constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly spec: PanelSpec,
    handlers: Omit<Handlers<HostApi>, 'ready' | 'retry'>,
    /** told when the panel closes */
    slot: { release(panel: unknown): void },
  ) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
    const withRetry = {
      ...handlers,
      retry: () => {
        this.retry();
        return null;
      },
    } as Omit<Handlers<HostApi>, 'ready'>;
    this.host = new PanelHost<HostApi, PanelApi>(panel, extensionUri, spec, withRetry, () => slot.release(this));
    trackPanel(panel);
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
    this.host.panel.title = this.spec.title; // the tab named the model of a result that is no longer shown
    this.host.notify('error', { ...wire, engineRestarted: wire.code === 'EngineCrashed' });
  }

  reveal(): void {
    this.host.panel.reveal(undefined, true);
  }

  dispose(): void {
    this.host.panel.dispose();
  }
}

/** What a panel is opened with: its view type, title and bundle, and the command that fills it. */
export type SlotSpec = ConstructorParameters<typeof PanelSlot>[0];

/** A panel that only shows what its command computed: the webview sends no requests of its own. */
export interface ViewOnlyPanel<View> {
  display(view: View): void;
  loading(message: string): void;
  error(error: unknown): void;
  setRerun(rerun: () => void): void;
  reveal(): void;
}

/**
 * show / revive for a view-only panel (checkpoints, future tokens, model info, …): one open at a
 * time, its tab titled with the model `titleOf` names.
 */
export function viewOnlyPanel<HostApi extends ApiShape & ResultHostApi, View>(
  spec: SlotSpec,
  titleOf: (view: View) => string,
): { show(extensionUri: vscode.Uri): ViewOnlyPanel<View>; revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): void } {
  class Panel extends ResultPanel<HostApi, View> {
    constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri) {
      super(panel, extensionUri, spec, {} as Omit<Handlers<HostApi>, 'ready' | 'retry'>, slot);
    }

    display(view: View): void {
      this.showView(view, titleOf(view));
    }
  }
  const slot = new PanelSlot<Panel>(spec);
  return {
    show: (extensionUri) => slot.show((panel) => new Panel(panel, extensionUri)),
    revive: (panel, extensionUri) => slot.revive(panel, (p) => new Panel(p, extensionUri)),
  };
}

/**
 * The one open panel of a kind. show() reveals it, or opens a new one; revive() adopts a panel
 * VS Code restored after a reload. A restored panel holds only UI state (tensors are not kept
 * across reloads), so it says so, and its Retry runs the panel's command on the current selection.
 */
export class PanelSlot<P extends { reveal(): void; dispose(): void; error(error: unknown): void; setRerun(rerun: () => void): void }> {
  private current: P | undefined;

  constructor(
    private readonly spec: PanelSpec & {
      /** the command that fills the panel, and its palette title */
      command: { id: string; title: string };
      /** the command reads the editor's selection */
      fromSelection?: boolean;
      column?: vscode.ViewColumn;
    },
  ) {}

  show(create: (panel: vscode.WebviewPanel) => P): P {
    this.current?.reveal();
    this.current ??= create(createWebviewPanel(this.spec.viewType, this.spec.title, this.spec.column));
    return this.current;
  }

  revive(panel: vscode.WebviewPanel, create: (panel: vscode.WebviewPanel) => P): void {
    this.current?.dispose();
    this.current = create(panel);
    const { command, fromSelection } = this.spec;
    this.current.setRerun(() => void vscode.commands.executeCommand(command.id));
    this.current.error(new RpcError('Restored', `This panel was restored after a reload. Press Retry, or run "${command.title}", to fill it again${fromSelection ? " from the editor's selection" : ''}.`));
  }

  /** the panel was closed */
  release(panel: unknown): void {
    if (this.current === panel) this.current = undefined;
  }
}

/**
 * A new webview panel beside the editor, in the column of the other Tensorloupe panels (or, with
 * an explicit column, there), scripts on and kept alive when hidden.
 */
function createWebviewPanel(viewType: string, title: string, column?: vscode.ViewColumn): vscode.WebviewPanel {
  return vscode.window.createWebviewPanel(viewType, title, { viewColumn: column ?? besideColumn(), preserveFocus: column === undefined }, {
    enableScripts: true,
    retainContextWhenHidden: true,
  });
}
