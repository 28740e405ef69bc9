import * as vscode from 'vscode';
import type { SurprisalView } from './surprisalView';
import type { BaselineResult } from '../protocol/baselines';
import type { BaselineMode } from '../protocol/baselinesPanel';
import type { SurprisalResult } from '../protocol/engine';

// The selection's decorations for Compare with Baselines. "model" and "n-gram" paint each token's
// surprisal under that model with the surprisal view's own buckets, hover and legend (one look
// for bits everywhere); "model − n-gram" is diverging, so it has its own two decorations: tokens
// the model predicts at least 1 bit better than the n-gram, and tokens it predicts 1 bit worse.

const THRESHOLD_BITS = 1;

export class BaselineDecorations implements vscode.Disposable {
  private readonly better: vscode.TextEditorDecorationType;
  private readonly worse: vscode.TextEditorDecorationType;
  private shown: { editor: vscode.TextEditor; offset: number; result: BaselineResult } | undefined;
  private readonly onEdit: vscode.Disposable;

  constructor(private readonly surprisal: SurprisalView) {
    const style = (name: string): vscode.DecorationRenderOptions => ({
      backgroundColor: new vscode.ThemeColor(`tensorloupe.${name}`),
      borderColor: new vscode.ThemeColor(`tensorloupe.${name}Border`),
      borderStyle: name === 'baselineModelBetter' ? 'none none solid none' : 'none none dashed none',
      borderWidth: '0 0 2px 0',
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    });
    this.better = vscode.window.createTextEditorDecorationType(style('baselineModelBetter'));
    this.worse = vscode.window.createTextEditorDecorationType(style('baselineNgramBetter'));
    // offsets no longer match once the text changes: drop what would be misplaced (the surprisal view drops its own)
    this.onEdit = vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.contentChanges.length === 0 || this.shown?.editor.document !== e.document) return;
      this.shown.editor.setDecorations(this.better, []);
      this.shown.editor.setDecorations(this.worse, []);
      this.shown = undefined;
    });
  }

  show(editor: vscode.TextEditor, offset: number, result: BaselineResult, mode: BaselineMode): void {
    this.shown = { editor, offset, result };
    this.paint(mode);
  }

  paint(mode: BaselineMode): void {
    if (!this.shown) return;
    const { editor, offset, result } = this.shown;
    editor.setDecorations(this.better, []);
    editor.setDecorations(this.worse, []);
    if (mode === 'difference') {
      this.surprisal.clear(editor.document.uri);
      const range = (t: { start: number; end: number }) => new vscode.Range(editor.document.positionAt(offset + t.start), editor.document.positionAt(offset + t.end));
      const visible = result.tokens.filter((t) => t.start >= 0 && t.end > t.start && editor.document.getText(range(t)).trim() !== '');
      const hover = (t: (typeof visible)[number]) => new vscode.MarkdownString(`model ${t.modelBits.toFixed(2)} bits · n-gram ${t.ngramBits.toFixed(2)} bits · model − n-gram **${(t.modelBits - t.ngramBits).toFixed(2)}** bits`);
      editor.setDecorations(this.better, visible.filter((t) => t.modelBits <= t.ngramBits - THRESHOLD_BITS).map((t) => ({ range: range(t), hoverMessage: hover(t) })));
      editor.setDecorations(this.worse, visible.filter((t) => t.modelBits >= t.ngramBits + THRESHOLD_BITS).map((t) => ({ range: range(t), hoverMessage: hover(t) })));
      return;
    }
    // the surprisal view's buckets, hover and legend, fed the chosen model's bits
    const asSurprisal: SurprisalResult = {
      model: result.model,
      tokens: result.tokens.map((t) => {
        const bits = mode === 'model' ? t.modelBits : t.ngramBits;
        return { id: t.id, text: t.text, start: t.start, end: t.end, special: t.start < 0, bits, prob: 2 ** -bits, rank: mode === 'model' ? t.modelRank : 0, alternatives: [] };
      }),
      truncation: null,
      window: null,
      meanBits: mode === 'model' ? result.summary.modelBits : result.summary.ngramBits,
      objective: 'causal',
      ms: result.ms,
    };
    this.surprisal.show(editor, offset, asSurprisal);
  }

  dispose(): void {
    this.onEdit.dispose();
    this.better.dispose();
    this.worse.dispose();
  }
}
