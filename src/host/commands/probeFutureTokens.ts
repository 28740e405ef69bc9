import * as vscode from 'vscode';
import { readSettings } from '../settings';
import { FuturePanel } from '../panels/futurePanel';
import { runWithProgress } from './runWithProgress';
import { optionalSelection } from './optionalSelection';
import { sourceLabel } from '../selection';
import type { EngineClient } from '../engineClient';

const DEFAULT_GLOB = '**/*.{ts,js,py}';
/** files handed to the engine at most (it reads at most 200,000 positions of them) */
const MAX_FILES = 2000;

/**
 * Tensorloupe: Probe Future Tokens — probes from every layer's residual stream to the tokens 1…4
 * ahead, trained and scored on workspace files (split by file), beside an n-gram lookup; with a
 * selection, the probes' guesses for t+2…t+4 at each position.
 */
export async function probeFutureTokens(context: vscode.ExtensionContext, engine: EngineClient): Promise<void> {
  const selection = optionalSelection();
  const glob = await vscode.window.showInputBox({ title: 'Tensorloupe: Probe Future Tokens', prompt: 'Workspace files to train and score the probes on (split by file into train / validation / test)', value: DEFAULT_GLOB });
  if (!glob) return;
  const uris = await vscode.workspace.findFiles(glob, '**/{node_modules,.git,dist,out}/**', MAX_FILES);
  if (uris.length < 3) {
    void vscode.window.showErrorMessage(`Tensorloupe: ${glob} matched ${uris.length} file${uris.length === 1 ? '' : 's'} in the workspace; future-token probes need at least 3.`);
    return;
  }
  const panel = FuturePanel.show(context.extensionUri);
  const run = async () => {
    const { model } = readSettings(context.extensionPath);
    panel.loading(`Training probes on ${uris.length} files…`);
    try {
      const result = await runWithProgress(engine, 'Tensorloupe: future-token probes', (cancel) => engine.call('future/train', { model, files: uris.map((u) => u.fsPath), k: 4, seed: 0 }, cancel));
      const view = selection ? await engine.call('future/apply', { runId: result.runId, text: selection.text, maxTokens: 2048 }) : undefined;
      panel.display({ corpus: glob, result, ...(selection && view ? { selection: { source: sourceLabel(selection), view } } : {}) });
    } catch (error) {
      panel.error(error);
    }
  };
  panel.setRerun(() => void run());
  await run();
}
