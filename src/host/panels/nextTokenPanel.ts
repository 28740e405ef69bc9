import * as vscode from 'vscode';
import { ResultPanel, createWebviewPanel } from './resultPanel';
import { asObject, intIn, numberIn, oneOf, shortString } from '../validate';
import type { EngineClient } from '../engineClient';
import type { NextTokenHostApi, NextTokenView } from '../../protocol/nextTokenPanel';
import type { GenerateParams, PositionParams } from '../../protocol/engine';

export const NEXT_TOKEN_VIEW_TYPE = 'tensorloupe.nextToken';

const SPEC = { viewType: NEXT_TOKEN_VIEW_TYPE, title: 'Next Token', bundle: 'nextToken' };

/**
 * The next-token panel: one per window, revealed again for each inspection. Tensors are fetched
 * again after a reload (the panel keeps only UI state), so a restored panel asks to re-run.
 */
export class NextTokenPanel extends ResultPanel<NextTokenHostApi, NextTokenView> {
  private static current: NextTokenPanel | undefined;

  static show(extensionUri: vscode.Uri, engine: EngineClient): NextTokenPanel {
    NextTokenPanel.current?.reveal();
    NextTokenPanel.current ??= new NextTokenPanel(createWebviewPanel(NEXT_TOKEN_VIEW_TYPE, SPEC.title), extensionUri, engine);
    return NextTokenPanel.current;
  }

  /** Re-attaches a panel VS Code restored after a reload. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, engine: EngineClient): void {
    NextTokenPanel.current?.dispose();
    NextTokenPanel.current = new NextTokenPanel(panel, extensionUri, engine);
    NextTokenPanel.current.error({ code: 'Restored', message: 'Select text and run "Tensorloupe: Inspect Next-Token Distribution" to fill this panel again.' });
  }

  private constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, engine: EngineClient) {
    super(
      panel,
      extensionUri,
      SPEC,
      {
        position: (raw) => engine.call('lm/position', validatePosition(raw)),
        generate: (raw, signal) => engine.call('lm/generate', validateGenerate(raw), signal),
      },
      () => {
        if (NextTokenPanel.current === this) NextTokenPanel.current = undefined;
      },
    );
  }

  display(view: NextTokenView): void {
    this.showView(view, view.result.model.name);
  }
}

function validatePosition(raw: unknown): PositionParams {
  const o = asObject(raw, 'position request');
  return {
    runId: shortString(o.runId, 64, 'runId'),
    position: intIn(o.position, 0, 1_000_000, 'position'),
    topK: intIn(o.topK, 1, 100, 'topK'),
  };
}

function validateGenerate(raw: unknown): GenerateParams {
  const o = asObject(raw, 'generate request');
  return {
    runId: shortString(o.runId, 64, 'runId'),
    mode: oneOf(o.mode, ['greedy', 'sample'] as const, 'mode'),
    count: intIn(o.count, 1, 16, 'count'),
    maxNewTokens: intIn(o.maxNewTokens, 1, 256, 'maxNewTokens'),
    temperature: numberIn(o.temperature, 0.01, 10, 'temperature'),
    topK: intIn(o.topK, 0, 100_000, 'topK'),
    topP: numberIn(o.topP, 0.01, 1, 'topP'),
    seed: intIn(o.seed, 0, 2 ** 31 - 1, 'seed'),
  };
}
