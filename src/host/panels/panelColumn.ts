import * as vscode from 'vscode';

/** Every Tensorloupe panel that is open now, so a new one can join their column. */
const openPanels = new Set<vscode.WebviewPanel>();

/** Remembers a panel until it closes. */
export function trackPanel(panel: vscode.WebviewPanel): vscode.Disposable {
  openPanels.add(panel);
  return panel.onDidDispose(() => openPanels.delete(panel));
}

/**
 * Where a panel that opens "beside the editor" goes. ViewColumn.Beside is relative to the active
 * editor group: once the user has clicked into a Tensorloupe panel, that panel's group is the
 * active one, and a command run from the palette (Attention Dilution has no context-menu entry)
 * opened a third group beside it. So: the column of a Tensorloupe panel already open (outside
 * the text editor's group), else the one right of the text editor the command reads, else Beside.
 */
export function besideColumn(): vscode.ViewColumn {
  const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors[0];
  const editorColumn = editor?.viewColumn;
  // a panel sharing the editor's own group (Find Induction Heads opens in the active one) is not "beside"
  for (const p of openPanels) if (p.viewColumn !== undefined && p.viewColumn !== editorColumn) return p.viewColumn;
  return editorColumn !== undefined ? ((editorColumn + 1) as vscode.ViewColumn) : vscode.ViewColumn.Beside;
}
