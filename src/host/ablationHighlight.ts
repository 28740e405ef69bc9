import * as vscode from 'vscode';
import type { CancelToken, EngineClient } from './engineClient';
import type { EditorText } from './selection';
import type { AblationRequest, AblationSummary } from '../protocol/ablationPanel';

/** how many tokens whose loss moved most are highlighted */
const HIGHLIGHTED = 8;

const up = vscode.window.createTextEditorDecorationType({
  backgroundColor: new vscode.ThemeColor('diffEditor.removedTextBackground'),
  borderColor: new vscode.ThemeColor('editorError.foreground'),
  borderStyle: 'solid',
  borderWidth: '0 0 1px 0',
});
const down = vscode.window.createTextEditorDecorationType({
  backgroundColor: new vscode.ThemeColor('diffEditor.insertedTextBackground'),
  borderColor: new vscode.ThemeColor('editorInfo.foreground'),
  borderStyle: 'solid',
  borderWidth: '0 0 1px 0',
});

/**
 * Ablates heads on a panel's text and highlights in the editor the tokens whose next-token loss moved
 * most (worse: the theme's removed-text colour, better: inserted-text), each with a hover saying by how much.
 */
export async function ablateAndHighlight(engine: EngineClient, source: EditorText, model: string, req: AblationRequest, cancel?: CancelToken): Promise<AblationSummary> {
  const r = await engine.call('interventions/ablate', { model, text: source.text, heads: req.heads, mode: req.mode, topK: 10 }, cancel);
  const moved = r.tokens.map((t, i) => ({ position: i, text: t.text, before: r.tokenLossClean[i], after: r.tokenLossAblated[i], start: t.start, end: t.end }))
    .filter((m) => m.start >= 0 && Number.isFinite(m.before) && Number.isFinite(m.after))
    .sort((a, b) => Math.abs(b.after - b.before) - Math.abs(a.after - a.before))
    .slice(0, HIGHLIGHTED);
  const doc = source.editor.document;
  const range = (m: { start: number; end: number }) => new vscode.Range(doc.positionAt(source.offset + m.start), doc.positionAt(source.offset + m.end));
  const hover = (m: { before: number; after: number }) => new vscode.MarkdownString(`Tensorloupe ablation (${req.heads.map((h) => `${h.layer}.${h.head}`).join(', ')}, ${req.mode}): loss ${m.before.toFixed(3)} → ${m.after.toFixed(3)} nats (${m.after - m.before >= 0 ? '+' : ''}${(m.after - m.before).toFixed(3)})`);
  source.editor.setDecorations(up, moved.filter((m) => m.after > m.before).map((m) => ({ range: range(m), hoverMessage: hover(m) })));
  source.editor.setDecorations(down, moved.filter((m) => m.after <= m.before).map((m) => ({ range: range(m), hoverMessage: hover(m) })));
  return {
    heads: r.heads, mode: r.mode, next: r.next, cleanNext: r.clean.next, lossClean: r.lossClean, lossAblated: r.lossAblated,
    moved: moved.map(({ position, text, before, after }) => ({ position, text, before, after })),
  };
}
