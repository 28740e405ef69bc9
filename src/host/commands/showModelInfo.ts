import * as vscode from 'vscode';
import { basename } from 'node:path';
import { readSettings } from '../settings';
import { ModelInfoPanel } from '../panels/modelInfoPanel';
import { runWithProgress } from './runWithProgress';
import type { EngineClient } from '../engineClient';
import type { ModelInfoReport } from '../../protocol/modelInfo';
import type { ModelInfo } from '../../protocol/engine';

/** Tensorloupe: Show Model Info — the current model's figures, provider and instrumentation; needs no editor. */
export async function showModelInfo(context: vscode.ExtensionContext, engine: EngineClient, onReport: (r: ModelInfoReport) => void = () => undefined): Promise<void> {
  const panel = ModelInfoPanel.show(context.extensionUri);
  const run = async () => {
    // read per run: Retry after a Select Model shows the new model
    const { model } = readSettings(context.extensionPath);
    panel.loading(`Reading ${basename(model)}…`);
    try {
      const report = await runWithProgress(engine, `Tensorloupe: model info for ${basename(model)}`, (cancel) => engine.call('model/info', { model }, cancel));
      onReport(report);
      panel.display({ report });
    } catch (error) {
      panel.error(error);
    }
  };
  panel.setRerun(() => void run());
  await run();
}

/** What the status bar shows, from a Model Info report (its provider and fallback are the session's, as a text command's would be). */
export function statusOf(r: ModelInfoReport): ModelInfo {
  return {
    dir: r.dir,
    name: r.name,
    modelType: r.modelType ?? 'unknown',
    vocabSize: r.vocabSize ?? 0,
    contextLength: r.contextLength ?? 0,
    nLayers: r.layers ?? 0,
    provider: r.provider,
    providerNote: r.providerNote ?? undefined,
    dtype: r.outputs.some((o) => o.dtype === 'float16') ? 'float16' : 'float32',
    loadMs: r.loadMs,
  };
}
