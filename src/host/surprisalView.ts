import * as vscode from 'vscode';
import { LanguageHover } from './languageHover';
import type { SurprisalResult, SurprisalToken } from '../protocol/engine';
import { visibleToken } from '../util/format';
import { BUCKET_LABELS, bucketOf } from '../util/surprisalBuckets';
import { visiblePieces } from '../util/surprisalRanges';


interface DocumentSurprisal {
  version: number;
  /** tokens with document offsets, sorted by start */
  tokens: (SurprisalToken & { docStart: number; docEnd: number })[];
  /** what is painted: each token's visible text per line (no indentation), with its bucket */
  pieces: { start: number; end: number; bucket: number }[];
  result: SurprisalResult;
}

/**
 * High-contrast themes get no fills (a red fill under a red keyword is unreadable): a bottom
 * border per bucket instead, one style each, so the text keeps the theme's own contrast. The
 * border colours are transparent in the other themes and the fills transparent in high contrast
 * (package.json colours), so each theme sees one of the two sets.
 */
const HC_BORDERS: { style: string; width: string }[] = [
  { style: 'none', width: '0' },
  { style: 'dotted', width: '1px' },
  { style: 'dashed', width: '1px' },
  { style: 'solid', width: '1px' },
  { style: 'solid', width: '2px' },
  { style: 'double', width: '3px' },
];

/**
 * Per-token surprisal in the editor: background colours from contributed theme colours (light
 * and dark themes) or bottom borders of one style per bucket (high-contrast themes), a compact
 * hover with the token's bits, rank and best alternatives, and a status-bar legend.
 */
export class SurprisalView implements vscode.HoverProvider, vscode.Disposable {
  private readonly fills: vscode.TextEditorDecorationType[];
  private readonly borders: vscode.TextEditorDecorationType[];
  private readonly hover = new LanguageHover(this);
  private readonly byDocument = new Map<string, DocumentSurprisal>();
  private readonly status: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.fills = BUCKET_LABELS.map((_, i) =>
      vscode.window.createTextEditorDecorationType({
        backgroundColor: new vscode.ThemeColor(`tensorloupe.surprisal${i}`),
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      }),
    );
    // separate types: a border on the fill's own box would widen the fill in every theme
    this.borders = HC_BORDERS.map((b, i) =>
      vscode.window.createTextEditorDecorationType({
        borderColor: new vscode.ThemeColor(`tensorloupe.surprisalBorder${i}`),
        borderStyle: `none none ${b.style} none`,
        borderWidth: `0 0 ${b.width} 0`,
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      }),
    );
    this.status = vscode.window.createStatusBarItem('tensorloupe.surprisal', vscode.StatusBarAlignment.Right, 100);
    this.status.name = 'Tensorloupe Surprisal';
    this.status.command = 'tensorloupe.clearSurprisal';
    this.disposables.push(
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
    const text = editor.document.getText();
    const pieces = tokens.flatMap((t) => visiblePieces(text, t.docStart, t.docEnd).map(([start, end]) => ({ start, end, bucket: bucketOf(t.bits) })));
    this.hover.showIn(editor.document.languageId);
    this.byDocument.set(editor.document.uri.toString(), { version: editor.document.version, tokens, pieces, result });
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
    this.hover.dispose();
    for (const t of [...this.fills, ...this.borders]) t.dispose();
    for (const d of this.disposables) d.dispose();
    this.status.dispose();
  }

  private redraw(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      const entry = this.byDocument.get(editor.document.uri.toString());
      const ranges: vscode.Range[][] = this.fills.map(() => []);
      for (const p of entry?.pieces ?? []) {
        if (p.bucket > 0) ranges[p.bucket].push(new vscode.Range(editor.document.positionAt(p.start), editor.document.positionAt(p.end)));
      }
      this.fills.forEach((type, i) => editor.setDecorations(type, ranges[i]));
      this.borders.forEach((type, i) => editor.setDecorations(type, ranges[i]));
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
        `\n\n| shade | high contrast | bits |\n|---|---|---|\n${BUCKET_LABELS.map((l, i) => `| ${i === 0 ? 'none' : i === BUCKET_LABELS.length - 1 ? 'strongest' : `${i}`} | ${i === 0 ? 'none' : `${HC_BORDERS[i].style} underline`} | ${l} |`).join('\n')}\n\nClick to clear.`,
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

/** Hovers are shared with language servers: one line and one three-row table, so it fits beside theirs. */
const HOVER_ALTERNATIVES = 3;

function hoverMarkdown(token: SurprisalToken, result: SurprisalResult): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, false);
  md.isTrusted = false;
  md.supportHtml = false;
  // code spans are literal (no backslash escapes), except that a table cell still splits at "|"
  const code = (text: string, inTable = false) => {
    const t = visibleToken(text).replace(/`/g, "'");
    return `\` ${inTable ? t.replace(/\|/g, '\\|') : t} \``;
  };
  md.appendMarkdown(`**Surprisal** ${code(token.text)} **${token.bits.toFixed(2)} bits** · p ${token.prob.toPrecision(3)} ${token.rank > 0 ? ` · rank ${token.rank}` : ''} · ${escapeMarkdown(result.model.name)}\n\n`);
  md.appendMarkdown(`| rank | expected | p |\n|---:|---|---:|\n`);
  for (const a of token.alternatives.slice(0, HOVER_ALTERNATIVES)) {
    md.appendMarkdown(`| ${a.rank} | ${code(a.text, true)} | ${a.prob.toFixed(3)} |\n`);
  }
  return md;
}
