import * as vscode from 'vscode';
import { basename } from 'node:path';
import { InputError } from '../engine/errors';
import { looksBinaryText } from '../util/text';
import { MAX_TEXT_CHARS } from '../util/limits';
import type { SelectionSource } from '../protocol/panel';

/** When nothing is selected, the next token is predicted from this much text before the cursor. */
const CONTEXT_BEFORE_CURSOR = 4000;

export interface EditorText {
  editor: vscode.TextEditor;
  text: string;
  /** document offset of text[0] */
  offset: number;
  fileName: string;
  line: number;
  fromSelection: boolean;
}

/**
 * The text to inspect: the selection, or (for the next token) the text before the cursor.
 * Rejects binary documents and selections beyond what the engine accepts, with a reason.
 */
export function editorText(editor: vscode.TextEditor | undefined, allowCursorContext: boolean): EditorText {
  if (!editor) throw new InputError('Open a text editor and select some text first.');
  const doc = editor.document;
  const sel = editor.selection;
  let range: vscode.Range = sel;
  let fromSelection = true;
  if (sel.isEmpty) {
    if (!allowCursorContext) throw new InputError('Select the text to score first.');
    const end = doc.offsetAt(sel.active);
    range = new vscode.Range(doc.positionAt(Math.max(0, end - CONTEXT_BEFORE_CURSOR)), sel.active);
    fromSelection = false;
  }
  const text = doc.getText(range);
  if (text.length === 0) throw new InputError('There is no text before the cursor: select some text first.');
  if (looksBinaryText(text)) throw new InputError(`${basename(doc.fileName)} looks like a binary file; Tensorloupe reads text.`);
  if (text.length > MAX_TEXT_CHARS) {
    throw new InputError(`The selection has ${text.length.toLocaleString('en-US')} characters; select at most ${MAX_TEXT_CHARS.toLocaleString('en-US')}.`);
  }
  return { editor, text, offset: doc.offsetAt(range.start), fileName: basename(doc.fileName), line: range.start.line + 1, fromSelection };
}

/**
 * The editor a command reads: the active one, or, when a panel has the focus (its Retry button
 * ran the command), the one visible text editor beside it.
 */
function targetEditor(): vscode.TextEditor | undefined {
  const visible = vscode.window.visibleTextEditors;
  return vscode.window.activeTextEditor ?? (visible.length === 1 ? visible[0] : undefined);
}

/** editorText for a command: on bad input, tells the user why and returns undefined. */
export function editorTextOrWarn(allowCursorContext: boolean): EditorText | undefined {
  try {
    return editorText(targetEditor(), allowCursorContext);
  } catch (error) {
    void vscode.window.showErrorMessage(`Tensorloupe: ${(error as Error).message}`);
    return undefined;
  }
}

/** What a panel shows about where its text came from. */
export function sourceLabel(source: EditorText): SelectionSource {
  return { fileName: source.fileName, line: source.line, chars: source.text.length };
}
