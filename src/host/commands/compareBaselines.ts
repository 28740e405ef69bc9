import * as vscode from 'vscode';
import { editorTextOrWarn } from '../selection';
import { readSettings } from '../settings';
import { runWithProgress } from './runWithProgress';
import { BaselinesPanel } from '../panels/baselinesPanel';
import type { BaselineDecorations } from '../baselineDecorations';
import type { EngineClient } from '../engineClient';
import type { BaselineMode } from '../../protocol/baselinesPanel';
import type { BaselineResult } from '../../protocol/baselines';

/** corpus files read at most (the engine's bound too) */
const MAX_FILES = 20_000;
const EXCLUDE = '{**/node_modules/**,**/.git/**,**/dist/**,**/out/**}';

/**
 * The corpus: the setting tensorloupe.baselines.corpus (a glob over the workspace) when set, else
 * the user chooses the whole workspace or a folder. The selection's own file is left out, so a
 * selection is never "memorised" from itself.
 */
async function chooseCorpus(self: vscode.Uri): Promise<{ files: string[]; label: string } | undefined> {
  const configured = vscode.workspace.getConfiguration('tensorloupe').get<string>('baselines.corpus')?.trim();
  let include: vscode.GlobPattern | undefined;
  let label: string;
  if (configured) {
    include = configured;
    label = configured;
  } else {
    const pick = await vscode.window.showQuickPick(
      [
        { label: 'Workspace', description: 'every text file of the workspace (node_modules, .git, dist and out left out)', id: 'workspace' },
        { label: 'Choose a folder…', description: 'every text file under a folder', id: 'folder' },
      ],
      { title: 'Tensorloupe: corpus for the baselines', placeHolder: 'Which files should the n-gram and the verbatim-match index be built from?' },
    );
    if (!pick) return undefined;
    if (pick.id === 'folder') {
      const folder = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, openLabel: 'Use as corpus' });
      if (!folder?.[0]) return undefined;
      include = new vscode.RelativePattern(folder[0], '**/*');
      label = vscode.workspace.asRelativePath(folder[0]);
    } else {
      include = '**/*';
      label = 'workspace';
    }
  }
  const uris = await vscode.workspace.findFiles(include, EXCLUDE, MAX_FILES + 1);
  const files = uris.filter((u) => u.scheme === 'file' && u.toString() !== self.toString()).map((u) => u.fsPath).sort();
  if (files.length > MAX_FILES) throw new Error(`The corpus ${label} has more than ${MAX_FILES.toLocaleString('en-US')} files; choose a folder or set tensorloupe.baselines.corpus to a narrower glob.`);
  if (files.length === 0) throw new Error(`The corpus ${label} holds no file besides the selection's own; choose a folder or set tensorloupe.baselines.corpus.`);
  return { files, label };
}

/** Tensorloupe: Compare with Baselines — the model against lookups over a corpus, on the selection. */
export async function compareBaselines(context: vscode.ExtensionContext, engine: EngineClient, decorations: BaselineDecorations): Promise<void> {
  const source = editorTextOrWarn(false);
  if (!source) return;
  let corpus: { files: string[]; label: string } | undefined;
  try {
    corpus = await chooseCorpus(source.editor.document.uri);
  } catch (error) {
    void vscode.window.showErrorMessage(`Tensorloupe: ${(error as Error).message}`);
    return;
  }
  if (!corpus) return;
  const panel = BaselinesPanel.show(context.extensionUri);
  panel.setRerun(() => void vscode.commands.executeCommand('tensorloupe.compareBaselines'));
  let mode: BaselineMode = 'difference';
  let result: BaselineResult | undefined;
  const view = () => ({ result: result!, mode, source: { fileName: source.fileName, line: source.line }, corpusLabel: corpus!.label });
  panel.setHandlers(
    (m) => {
      mode = m;
      decorations.paint(m);
      if (result) panel.display(view());
    },
    (index) => {
      const match = result?.matches[index];
      if (!match) return;
      void vscode.window.showTextDocument(vscode.Uri.file(match.file), { selection: new vscode.Range(match.line - 1, 0, match.line - 1, 0), viewColumn: vscode.ViewColumn.One, preview: true });
    },
  );
  panel.loading(`Indexing ${corpus.files.length.toLocaleString('en-US')} corpus files (${corpus.label}) and scoring the selection…`);
  try {
    const settings = readSettings(context.extensionPath);
    const order = vscode.workspace.getConfiguration('tensorloupe').get<number>('baselines.order') ?? 3;
    result = await runWithProgress(engine, 'Tensorloupe: comparing with baselines', (cancel) =>
      engine.call('baseline/compare', { model: settings.model, files: corpus!.files, text: source.text, order, maxTokens: settings.maxTokens, minMatch: 16 }, cancel),
    );
    decorations.show(source.editor, source.offset, result, mode);
    panel.display(view());
  } catch (error) {
    if ((error as { code?: string }).code === 'Cancelled') {
      panel.error(Object.assign(new Error('Cancelled. Press Retry to index and score again.'), { code: 'Cancelled' }));
      return;
    }
    panel.error(error);
  }
}
