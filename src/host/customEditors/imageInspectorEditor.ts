import * as vscode from 'vscode';
import { ImagePanel } from '../panels/imagePanel';
import { inspectInPanel } from '../commands/inspectImage';
import type { EngineClient } from '../engineClient';

export const IMAGE_INSPECTOR_VIEW_TYPE = 'tensorloupe.imageInspector';

/**
 * "Reopen With… → Tensorloupe Image Inspector": a read-only editor for image files that shows the
 * image panel for the file (package.json gives it priority "option", so VS Code's own image
 * preview stays the default). The document holds nothing but its URI; nothing is ever written.
 */
export class ImageInspectorEditor implements vscode.CustomReadonlyEditorProvider {
  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly engine: EngineClient,
  ) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(document: vscode.CustomDocument, webviewPanel: vscode.WebviewPanel): Promise<void> {
    await inspectInPanel(this.context, this.engine, ImagePanel.adopt(webviewPanel, this.context.extensionUri, this.engine), document.uri);
  }
}
