import * as vscode from 'vscode';
import { PanelHost } from './panelHost';
import { asObject, intIn, shortString } from '../validate';
import { InputError } from '../../engine/errors';
import { toWireError } from '../../protocol/rpc';
import type { EngineClient } from '../engineClient';
import type { LensHostApi, LensPanelApi, LensView } from '../../protocol/lensPanel';

export const LENS_VIEW_TYPE = 'tensorloupe.lens';

/** The logit-lens panel: layers × positions grid, a target token's trace, KL to the output. */
export class LensPanel {
  private static current: LensPanel | undefined;
  private readonly host: PanelHost<LensHostApi, LensPanelApi>;
  private rerun: (() => void) | undefined;

  static show(extensionUri: vscode.Uri, engine: EngineClient): LensPanel {
    if (LensPanel.current) {
      LensPanel.current.host.panel.reveal(undefined, true);
      return LensPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(LENS_VIEW_TYPE, 'Logit Lens', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      retainContextWhenHidden: true,
    });
    LensPanel.current = new LensPanel(panel, extensionUri, engine);
    return LensPanel.current;
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, engine: EngineClient): void {
    LensPanel.current?.host.panel.dispose();
    LensPanel.current = new LensPanel(panel, extensionUri, engine);
    LensPanel.current.error({ code: 'Restored', message: 'Select text and run "Tensorloupe: Logit Lens" to fill this panel again.' });
  }

  private constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, engine: EngineClient) {
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
    this.host = new PanelHost<LensHostApi, LensPanelApi>(
      panel,
      extensionUri,
      { viewType: LENS_VIEW_TYPE, title: 'Logit Lens', bundle: 'lens' },
      {
        target: (raw) => {
          const o = asObject(raw, 'target request');
          const target = typeof o.target === 'number' ? intIn(o.target, 0, 10_000_000, 'target id') : shortString(o.target, 200, 'target');
          if (target === '') throw new InputError('Type a token to trace.');
          return engine.call('lens/target', { runId: shortString(o.runId, 64, 'runId'), position: intIn(o.position, 0, 1_000_000, 'position'), target });
        },
        retry: () => {
          this.rerun?.();
          return null;
        },
      },
      () => {
        if (LensPanel.current === this) LensPanel.current = undefined;
      },
    );
  }

  setRerun(rerun: () => void): void {
    this.rerun = rerun;
  }

  loading(message: string): void {
    this.host.notify('loading', { message });
  }

  display(view: LensView): void {
    this.host.panel.title = `Logit Lens · ${view.result.model.name}`;
    this.host.notify('show', view);
  }

  error(error: unknown): void {
    const wire = toWireError(error);
    this.host.notify('error', { ...wire, engineRestarted: wire.code === 'EngineCrashed' });
  }
}
