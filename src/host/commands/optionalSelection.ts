import * as vscode from 'vscode';
import { editorText, type EditorText } from '../selection';

/** The active editor's selection when there is one (commands that work without it too); a bad selection still says why. */
export function optionalSelection(): EditorText | undefined {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.selection.isEmpty) return undefined;
  try {
    return editorText(editor, false);
  } catch (error) {
    void vscode.window.showWarningMessage(`Tensorloupe: ${(error as Error).message} (running without the selection).`);
    return undefined;
  }
}
