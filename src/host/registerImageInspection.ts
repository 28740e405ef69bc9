import * as vscode from 'vscode';
import { inspectImage } from './commands/inspectImage';
import { ImageInspectorEditor, IMAGE_INSPECTOR_VIEW_TYPE } from './customEditors/imageInspectorEditor';
import type { EngineClient } from './engineClient';

/** Inspect Image's command and the "Reopen With…" editor (extension.ts spreads these). */
export function registerImageInspection(context: vscode.ExtensionContext, engine: EngineClient): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('tensorloupe.inspectImage', (target?: unknown) => inspectImage(context, engine, target)),
    vscode.window.registerCustomEditorProvider(IMAGE_INSPECTOR_VIEW_TYPE, new ImageInspectorEditor(context, engine), {
      webviewOptions: { retainContextWhenHidden: true },
      supportsMultipleEditorsPerDocument: true,
    }),
  ];
}
