import * as vscode from 'vscode';
import { PanelHost } from './panelHost';
import { asObject, intIn, numberIn, oneOf, shortString } from '../validate';
import { toWireError } from '../../protocol/rpc';
import type { EngineClient } from '../engineClient';
import type { NextTokenHostApi, NextTokenPanelApi, NextTokenView } from '../../protocol/nextTokenPanel';
import type { GenerateParams, PositionParams } from '../../protocol/engine';

export const NEXT_TOKEN_VIEW_TYPE = 'tensorloupe.nextToken';

/**
 * The next-token panel: one per window, revealed again for each inspection. Tensors are fetched
 * again after a reload (the panel keeps only UI state), so a restored panel asks to re-run.
 */
export class NextTokenPanel {
  private static current: NextTokenPanel | undefined;
  private readonly host: PanelHost<NextTokenHostApi, NextTokenPanelApi>;
  private rerun: (() => void) | undefined;

  static show(extensionUri: vscode.Uri, engine: EngineClient): NextTokenPanel {
    if (NextTokenPanel.current) {
      NextTokenPanel.current.host.panel.reveal(undefined, true);
      return NextTokenPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(NEXT_TOKEN_VIEW_TYPE, 'Next Token', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      retainContextWhenHidden: true,
    });
    NextTokenPanel.current = new NextTokenPanel(panel, extensionUri, engine);
    return NextTokenPanel.current;
  }

  /** Re-attaches a panel VS Code restored after a reload. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, engine: EngineClient): void {
    NextTokenPanel.current?.host.panel.dispose();
    NextTokenPanel.current = new NextTokenPanel(panel, extensionUri, engine);
    NextTokenPanel.current.error({ code: 'Restored', message: 'Select text and run "Tensorloupe: Inspect Next-Token Distribution" to fill this panel again.' });
  }

  private constructor(
    panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly engine: EngineClient,
  ) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
    this.host = new PanelHost<NextTokenHostApi, NextTokenPanelApi>(
      panel,
      extensionUri,
      { viewType: NEXT_TOKEN_VIEW_TYPE, title: 'Next Token', bundle: 'nextToken' },
      {
        position: (raw) => this.engine.call('lm/position', validatePosition(raw)),
        generate: (raw, signal) => this.engine.call('lm/generate', validateGenerate(raw), signal),
        retry: () => {
          this.rerun?.();
          return null;
        },
      },
      () => {
        if (NextTokenPanel.current === this) NextTokenPanel.current = undefined;
      },
    );
  }

  setRerun(rerun: () => void): void {
    this.rerun = rerun;
  }

  loading(message: string): void {
    this.host.notify('loading', { message });
  }

  display(view: NextTokenView): void {
    this.host.panel.title = `Next Token · ${view.result.model.name}`;
    this.host.notify('show', view);
  }

  error(error: unknown): void {
    const wire = toWireError(error);
    this.host.notify('error', { ...wire, engineRestarted: wire.code === 'EngineCrashed' });
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
