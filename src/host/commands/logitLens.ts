import * as vscode from 'vscode';
import { editorTextOrWarn, sourceLabel } from '../selection';
import { readSettings } from '../settings';
import { LensPanel } from '../panels/lensPanel';
import { runWithProgress } from './runWithProgress';
import type { EngineClient } from '../engineClient';
import { LENS_FIRST_COLUMNS } from '../../protocol/lensPaging';

/** Candidates per lens cell that travel to the panel (the top one is drawn, the rest are listed). */
const LENS_TOP_K = 10;

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
