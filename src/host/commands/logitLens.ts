import * as vscode from 'vscode';
import { editorTextOrWarn, sourceLabel } from '../selection';
import { readSettings } from '../settings';
import { LensPanel } from '../panels/lensPanel';
import { runWithProgress } from './runWithProgress';
import type { EngineClient } from '../engineClient';

/** Candidates per lens cell that travel to the panel (the top one is drawn, the rest are listed). */
const LENS_TOP_K = 10;
/**
 * Positions computed before the panel opens: the last ones, about what a 1,000-pixel panel shows
 * at once. Each lens cell is a full unembedding (the whole grid of a 124M model is ~5 forward
 * passes); the panel asks for the rest of a page with lens/page while the user reads.
 */
export const LENS_FIRST_COLUMNS = 16;

/** Tensorloupe: Logit Lens — every layer's guess at the next token, for the selection or the text before the cursor. */
export async function logitLens(context: vscode.ExtensionContext, engine: EngineClient): Promise<void> {
  const source = editorTextOrWarn(true);
  if (!source) return;
  const settings = readSettings(context.extensionPath);
  const panel = LensPanel.show(context.extensionUri, engine);
  const run = async () => {
    panel.loading('Reading every layer’s residual stream through the final norm and unembedding…');
    try {
      const result = await runWithProgress(engine, 'Tensorloupe: logit lens', (cancel) =>
        engine.call('lens/get', { model: settings.model, text: source.text, maxTokens: settings.maxTokens, topK: Math.min(settings.topK, LENS_TOP_K), positions: { from: -LENS_FIRST_COLUMNS, to: settings.maxTokens } }, cancel),
      );
      panel.display({ source: sourceLabel(source), result });
    } catch (error) {
      panel.error(error);
    }
  };
  panel.setRerun(() => void run());
  await run();
}
