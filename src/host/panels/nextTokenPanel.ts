import * as vscode from 'vscode';
import { PanelSlot, ResultPanel } from './resultPanel';
import { asObject, intIn, numberIn, oneOf, shortString } from '../../util/validate';
import { eitherCancel, type EngineClient } from '../engineClient';
import { runWithProgress } from '../commands/runWithProgress';
import type { NextTokenHostApi, NextTokenView } from '../../protocol/nextTokenPanel';
import type { GenerateParams, PositionParams } from '../../protocol/engine';

export const NEXT_TOKEN_VIEW_TYPE = 'tensorloupe.nextToken';

const SPEC = { viewType: NEXT_TOKEN_VIEW_TYPE, title: 'Next Token', bundle: 'nextToken', command: { id: 'tensorloupe.inspectNextToken', title: 'Tensorloupe: Inspect Next-Token Distribution' }, fromSelection: true };
const slot = new PanelSlot<NextTokenPanel>(SPEC);

/** The next-token panel: one per window, revealed again for each inspection. */
export class NextTokenPanel extends ResultPanel<NextTokenHostApi, NextTokenView> {
  static show(extensionUri: vscode.Uri, engine: EngineClient): NextTokenPanel {
    return slot.show((panel) => new NextTokenPanel(panel, extensionUri, engine));
  }

  /** Re-attaches a panel VS Code restored after a reload. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, engine: EngineClient): void {
    slot.revive(panel, (p) => new NextTokenPanel(p, extensionUri, engine));
  }

  private constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, engine: EngineClient) {
    super(
      panel,
      extensionUri,
      SPEC,
      {
        // closing the panel cancels its requests (and EngineClient restarts an engine that does not stop)
        position: (raw, signal) => engine.call('lm/position', validatePosition(raw), signal),
        // generation can run for a while: a progress notification with Cancel, as for every command
        generate: async (raw, signal) =>
          await runWithProgress(engine, 'Tensorloupe: generating', (cancel) => engine.call('lm/generate', validateGenerate(raw), eitherCancel(cancel, signal))),
        whyToken: (raw) => {
          const id = intIn(asObject(raw, 'whyToken').id, 0, 2 ** 31 - 1, 'id');
          void vscode.commands.executeCommand('tensorloupe.directLogitAttribution', { target: id });
          return null;
        },
      },
      slot,
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
