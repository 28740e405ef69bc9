import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { RpcEndpoint, RpcError, type ApiShape, type Handlers, type Params, type Envelope } from '../../protocol/rpc';
import { PANEL_PROTOCOL_VERSION, type ReadyParams } from '../../protocol/panel';

export interface PanelSpec {
  /** webview view type, also the serializer id */
  viewType: string;
  title: string;
  /** bundle name under dist/webview, e.g. "nextToken" */
  bundle: string;
}

/**
 * One webview panel: strict CSP with a script nonce, resources only from dist/webview and
 * media, and a typed RPC endpoint. Posts made before the page says `ready` are queued, because
 * a webview drops messages that arrive before its script runs.
 */
export class PanelHost<HostApi extends ApiShape & { ready: [ReadyParams, null] }, PanelApi extends ApiShape> {
  readonly endpoint: RpcEndpoint<HostApi, PanelApi>;
  private ready = false;
  private readonly queue: Envelope[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    spec: PanelSpec,
    handlers: Omit<Handlers<HostApi>, 'ready'>,
    onDispose: () => void,
  ) {
    const webview = panel.webview;
    webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
    };
    webview.html = panelHtml(webview, extensionUri, spec);
    const allHandlers = {
      ...handlers,
      ready: (p: ReadyParams) => {
        if (p?.protocolVersion !== PANEL_PROTOCOL_VERSION) {
          throw new Error(`Panel protocol ${String(p?.protocolVersion)} is not ${PANEL_PROTOCOL_VERSION}: reload the window.`);
        }
        this.ready = true;
        for (const m of this.queue.splice(0)) void webview.postMessage(m);
        return null;
      },
    } as unknown as Handlers<HostApi>;
    this.endpoint = new RpcEndpoint<HostApi, PanelApi>(
      {
        send: (m) => {
          if (this.disposed) return;
          if (this.ready || m.inReplyTo !== undefined) void webview.postMessage(m);
          else this.queue.push(m);
        },
      },
      allHandlers,
    );
    this.disposables.push(
      webview.onDidReceiveMessage((m: unknown) => this.endpoint.receive(m)),
      panel.onDidDispose(() => {
        this.disposed = true;
        this.endpoint.close(new RpcError('PanelClosed', 'The panel was closed.'));
        for (const d of this.disposables) d.dispose();
        onDispose();
      }),
    );
  }

  /** The page reloads (e.g. after being hidden with retainContextWhenHidden off): wait for ready again. */
  resetReady(): void {
    this.ready = false;
  }

  notify<M extends keyof PanelApi & string>(method: M, params: Params<PanelApi, M>): void {
    this.endpoint.notify(method, params);
  }
}

export function nonce(): string {
  return randomBytes(18).toString('base64');
}

function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, spec: PanelSpec): string {
  const n = nonce();
  const script = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${spec.bundle}.js`));
  const css = ['panel.css', 'internals.css'].map((f) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', f)));
  // Styles: the web components (Lit) attach constructed style sheets, which CSP governs through
  // style-src; inline style attributes are also used by chart.js for canvas sizing.
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    `script-src 'nonce-${n}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${css.map((href) => `<link rel="stylesheet" href="${href}">`).join('\n')}
<title>${escapeHtml(spec.title)}</title>
</head>
<body data-state="loading">
<div id="app" role="main"></div>
<script nonce="${n}" src="${script}"></script>
</body>
</html>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
