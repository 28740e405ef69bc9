import * as vscode from 'vscode';
import { LanguageHover } from './languageHover';
import { escapeControl } from '../util/escape';
import { escapeMarkdown } from './surprisalView';
import type { ProbeApplyResult } from '../protocol/probes';

/**
 * One underline per label: a theme chart colour and a line style, so labels stay apart by style
 * where colours do not (high contrast, colour-blind users). Underlines only, never fills: the
 * text keeps the theme's own contrast in all four themes.
 */
const COLOURS = ['charts.blue', 'charts.orange', 'charts.green', 'charts.purple', 'charts.red', 'charts.yellow'];
const STYLES = ['solid', 'dashed', 'dotted', 'double'];

interface LabelledToken {
  docStart: number;
  docEnd: number;
  label: string;
  confidence: number;
}

interface DocumentProbe {
  tokens: LabelledToken[];
  result: ProbeApplyResult;
  probeName: string;
}

/** label text as the editor shows it: control characters escaped, long labels cut */
function shownLabel(label: string): string {
  const s = escapeControl(label.replace(/\n/g, '⏎'));
  return s.length > 24 ? `${s.slice(0, 23)}…` : s;
}

/**
 * A saved probe's per-token labels in the editor: an underline per label, the label after each run
 * of tokens that share it, and the label with its confidence on hover. Editing the document drops
 * them (the offsets no longer match), as Tensorloupe: Clear Probe does.
 */
export class ProbeView implements vscode.HoverProvider, vscode.Disposable {
  private types: vscode.TextEditorDecorationType[] = [];
  private readonly byDocument = new Map<string, DocumentProbe>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly hover = new LanguageHover(this);

  constructor() {
    this.disposables.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0 && this.byDocument.has(e.document.uri.toString())) this.clear(e.document.uri);
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.redraw()),
    );
  }

  show(editor: vscode.TextEditor, offset: number, result: ProbeApplyResult, probeName: string): void {
    const tokens = result.tokens
      .filter((t) => t.end > t.start)
      .map((t) => ({ docStart: offset + t.start, docEnd: offset + t.end, label: t.label, confidence: t.confidence }))
      .sort((a, b) => a.docStart - b.docStart);
    this.hover.showIn(editor.document.languageId);
    this.byDocument.set(editor.document.uri.toString(), { tokens, result, probeName });
    this.ensureTypes(result.labels.length);
    this.redraw();
  }

  clear(uri?: vscode.Uri): void {
    if (uri) this.byDocument.delete(uri.toString());
    else this.byDocument.clear();
    this.redraw();
  }

  /** how many tokens carry a label in this document (for tests and the command's message) */
  labelledTokens(uri: vscode.Uri): number {
    return this.byDocument.get(uri.toString())?.tokens.length ?? 0;
  }

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const entry = this.byDocument.get(document.uri.toString());
    if (!entry) return undefined;
    const offset = document.offsetAt(position);
    const token = entry.tokens.find((t) => offset >= t.docStart && offset < t.docEnd);
    if (!token) return undefined;
    const md = new vscode.MarkdownString(undefined, false);
    md.isTrusted = false;
    md.supportHtml = false;
    md.appendMarkdown(`**Probe** ${escapeMarkdown(shownLabel(token.label))} · confidence ${(100 * token.confidence).toFixed(1)}% · layer ${entry.result.layer} (${escapeMarkdown(entry.result.hook)}) · ${escapeMarkdown(entry.probeName)}`);
    return new vscode.Hover(md, new vscode.Range(document.positionAt(token.docStart), document.positionAt(token.docEnd)));
  }

  dispose(): void {
    this.hover.dispose();
    for (const t of this.types) t.dispose();
    for (const d of this.disposables) d.dispose();
  }

  private ensureTypes(n: number): void {
    while (this.types.length < n) {
      const i = this.types.length;
      const colour = new vscode.ThemeColor(COLOURS[i % COLOURS.length]);
      const style = STYLES[Math.floor(i / COLOURS.length) % STYLES.length];
      this.types.push(
        vscode.window.createTextEditorDecorationType({
          borderColor: colour,
          borderStyle: `none none ${style} none`,
          borderWidth: `0 0 ${style === 'double' ? 3 : 2}px 0`,
          after: { color: new vscode.ThemeColor('editorInlayHint.foreground'), fontStyle: 'italic', margin: '0 0.3em 0 0.15em' },
          rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
        }),
      );
    }
  }

  private redraw(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const entry = this.byDocument.get(editor.document.uri.toString());
      const options: vscode.DecorationOptions[][] = this.types.map(() => []);
      const tokens = entry?.tokens ?? [];
      tokens.forEach((t, i) => {
        const index = entry!.result.labels.indexOf(t.label);
        if (index < 0) return;
        // the label once, after the last token of a run that shares it: per token it would bury the code
        const next = tokens[i + 1];
        const endOfRun = !next || next.label !== t.label || editor.document.positionAt(next.docStart).line !== editor.document.positionAt(t.docEnd).line;
        options[index].push({
          range: new vscode.Range(editor.document.positionAt(t.docStart), editor.document.positionAt(t.docEnd)),
          renderOptions: endOfRun ? { after: { contentText: shownLabel(t.label) } } : undefined,
        });
      });
      this.types.forEach((type, i) => editor.setDecorations(type, options[i]));
    }
  }
}
