import * as vscode from 'vscode';
import { AudioPanel } from '../panels/audioPanel';
import { fillAudioPanel } from '../commands/inspectAudio';
import type { EngineClient } from '../engineClient';

export const AUDIO_EDITOR_VIEW_TYPE = 'tensorloupe.audioEditor';

/** "Reopen With… → Tensorloupe Audio": read-only, never the default (priority "option" in package.json). */
export function registerAudioEditor(context: vscode.ExtensionContext, engine: EngineClient): vscode.Disposable {
  const provider: vscode.CustomReadonlyEditorProvider = {
    openCustomDocument: (uri) => ({ uri, dispose: () => undefined }),
    resolveCustomEditor: async (document, webviewPanel) => {
      const panel = AudioPanel.inEditor(webviewPanel, context.extensionUri, engine);
      await fillAudioPanel(context, engine, panel, document.uri);
    },
  };
  return vscode.window.registerCustomEditorProvider(AUDIO_EDITOR_VIEW_TYPE, provider, { webviewOptions: { retainContextWhenHidden: true }, supportsMultipleEditorsPerDocument: true });
}
