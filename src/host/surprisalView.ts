import * as vscode from 'vscode';
import type { SurprisalResult, SurprisalToken } from '../protocol/engine';
import { visibleToken } from '../util/format';
import { BUCKET_LABELS, bucketOf } from '../util/surprisalBuckets';


interface DocumentSurprisal {
  version: number;
  /** tokens with document offsets, sorted by start */
  tokens: (SurprisalToken & { docStart: number; docEnd: number })[];
  result: SurprisalResult;
}

/**
 * Per-token surprisal in the editor: background colours from contributed theme colours (so
 * light, dark and high-contrast themes each get their own), a hover with the token's
 * probability, rank and alternatives, and a status-bar legend.
 */
export class SurprisalView implements vscode.HoverProvider, vscode.Disposable {
  private readonly types: vscode.TextEditorDecorationType[];
  private readonly byDocument = new Map<string, DocumentSurprisal>();
  private readonly status: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.types = BUCKET_LABELS.map((_, i) =>
      vscode.window.createTextEditorDecorationType({
        backgroundColor: new vscode.ThemeColor(`tensorloupe.surprisal${i}`),
        borderColor: new vscode.ThemeColor('contrastBorder'),
        borderStyle: 'none none solid none',
        borderWidth: i >= 4 ? '0 0 1px 0' : '0',
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      }),
    );
    this.status = vscode.window.createStatusBarItem('tensorloupe.surprisal', vscode.StatusBarAlignment.Right, 100);
    this.status.name = 'Tensorloupe Surprisal';
    this.status.command = 'tensorloupe.clearSurprisal';
    this.disposables.push(
      vscode.languages.registerHoverProvider({ scheme: '*' }, this),
      vscode.workspace.onDidChangeTextDocument((e) => {
        // Offsets no longer match once the text changes: drop what would be misplaced.
        if (e.contentChanges.length > 0 && this.byDocument.has(e.document.uri.toString())) this.clear(e.document.uri);
      }),
      vscode.window.onDidChangeVisibleTextEditors(() => this.redraw()),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateStatus()),
    );
  }

  show(editor: vscode.TextEditor, offset: number, result: SurprisalResult): void {
    const tokens = result.tokens
      .filter((t) => t.start >= 0 && t.end > t.start)
      .map((t) => ({ ...t, docStart: offset + t.start, docEnd: offset + t.end }))
      .sort((a, b) => a.docStart - b.docStart);
    this.byDocument.set(editor.document.uri.toString(), { version: editor.document.version, tokens, result });
    this.redraw();
    this.updateStatus();
  }

  clear(uri?: vscode.Uri): void {
    if (uri) this.byDocument.delete(uri.toString());
    else this.byDocument.clear();
    this.redraw();
    this.updateStatus();
  }

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const entry = this.byDocument.get(document.uri.toString());
    if (!entry) return undefined;
    const offset = document.offsetAt(position);
    const token = findToken(entry.tokens, offset);
    if (!token) return undefined;
    const range = new vscode.Range(document.positionAt(token.docStart), document.positionAt(token.docEnd));
    return new vscode.Hover(hoverMarkdown(token, entry.result), range);
  }

  dispose(): void {
    for (const t of this.types) t.dispose();
    for (const d of this.disposables) d.dispose();
    this.status.dispose();
  }

  private redraw(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const entry = this.byDocument.get(editor.document.uri.toString());
      const ranges: vscode.DecorationOptions[][] = this.types.map(() => []);
      for (const t of entry?.tokens ?? []) {
        ranges[bucketOf(t.bits)].push({ range: new vscode.Range(editor.document.positionAt(t.docStart), editor.document.positionAt(t.docEnd)) });
      }
      this.types.forEach((type, i) => editor.setDecorations(type, ranges[i]));
    }
  }

  private updateStatus(): void {
    const editor = vscode.window.activeTextEditor;
    const entry = editor && this.byDocument.get(editor.document.uri.toString());
    if (!entry) {
      this.status.hide();
      return;
    }
    const r = entry.result;
    this.status.text = `$(pulse) ${r.meanBits.toFixed(2)} bits/token`;
    const legend = new vscode.MarkdownString(
      `**Tensorloupe surprisal** · ${r.model.name}\n\n${entry.tokens.length} tokens, mean ${r.meanBits.toFixed(2)} bits/token` +
        (r.window ? `\n\nLonger than the context: ${r.window.count} windows of ${r.window.size} tokens, stride ${r.window.stride}.` : '') +
        (r.truncation ? `\n\n${escapeMarkdown(r.truncation.reason)}` : '') +
        `\n\n| shade | bits |\n|---|---|\n${BUCKET_LABELS.map((l, i) => `| ${i === 0 ? 'none' : i === BUCKET_LABELS.length - 1 ? 'strongest, underlined' : `${i}`} | ${l} |`).join('\n')}\n\nClick to clear.`,
    );
    this.status.tooltip = legend;
    this.status.show();
  }
}

function findToken<T extends { docStart: number; docEnd: number }>(tokens: T[], offset: number): T | undefined {
  let lo = 0;
  let hi = tokens.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = tokens[mid];
    if (offset < t.docStart) hi = mid - 1;
    else if (offset >= t.docEnd) lo = mid + 1;
    else return t;
  }
  return undefined;
}

/** Backslash-escapes Markdown and HTML so token text always renders literally. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>&~]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : `\\${c}`));
}

function hoverMarkdown(token: SurprisalToken, result: SurprisalResult): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, false);
  md.isTrusted = false;
  md.supportHtml = false;
  md.appendMarkdown(`**Tensorloupe** · token \`${escapeMarkdown(visibleToken(token.text)).replace(/`/g, "'")}\` (id ${token.id})\n\n`);
  md.appendMarkdown(`**${token.bits.toFixed(2)} bits** · p = ${token.prob.toPrecision(4)} · rank ${token.rank}\n\n`);
  md.appendMarkdown(`| rank | token | p |\n|---:|---|---:|\n`);
  for (const a of token.alternatives) {
    md.appendMarkdown(`| ${a.rank} | ${escapeMarkdown(visibleToken(a.text))} | ${a.prob.toFixed(4)} |\n`);
  }
  md.appendMarkdown(`\n${escapeMarkdown(result.model.name)}`);
  return md;
}
