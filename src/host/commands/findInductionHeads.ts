import * as vscode from 'vscode';
import { readSettings } from '../settings';
import { editorTextOrWarn } from '../selection';
import { ablateAndHighlight } from '../ablationHighlight';
import { InductionPanel } from '../panels/inductionPanel';
import { runWithProgress } from './runWithProgress';
import { INDUCTION_DEFAULTS, type InductionScanSettings } from '../../protocol/inductionPanel';
import type { EngineClient } from '../engineClient';

/** Tensorloupe: Find Induction Heads — the seeded repeated-random-tokens scan; needs no selection. */
export async function findInductionHeads(context: vscode.ExtensionContext, engine: EngineClient): Promise<void> {
  const panel = InductionPanel.show(context.extensionUri);
  // Ablate runs on the editor's selection at the time of the click (the scan's text is random tokens)
  panel.setAblate(async (req) => {
    const source = editorTextOrWarn(false);
    if (!source) throw new Error('Select the text to ablate the heads on in an editor first.');
    return runWithProgress(engine, 'Tensorloupe: ablating heads', (cancel) => ablateAndHighlight(engine, source, readSettings(context.extensionPath).model, req, cancel));
  });
  const scan = async (s: InductionScanSettings) => {
    // read per scan: the model setting may have changed since the panel opened
    const { model } = readSettings(context.extensionPath);
    panel.scanning(`Scanning ${s.batch} sequences of BOS + ${s.seqLen} random tokens, twice over (seed ${s.seed})…`, s);
    try {
      const result = await runWithProgress(engine, 'Tensorloupe: induction scan', (cancel) => engine.call('induction/scan', { model, ...s }, cancel));
      panel.display({ settings: s, result });
    } catch (error) {
      panel.error(error);
    }
  };
  panel.setScan((s) => void scan(s));
  await scan(INDUCTION_DEFAULTS);
}
