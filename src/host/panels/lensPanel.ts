import * as vscode from 'vscode';
import { PanelSlot, ResultPanel } from './resultPanel';
import { asObject, intIn, shortString } from '../../util/validate';
import { InputError } from '../../engine/errors';
import type { EngineClient } from '../engineClient';
import type { LensHostApi, LensView } from '../../protocol/lensPanel';

export const LENS_VIEW_TYPE = 'tensorloupe.lens';
const SPEC = { viewType: LENS_VIEW_TYPE, title: 'Logit Lens', bundle: 'lens', command: { id: 'tensorloupe.logitLens', title: 'Tensorloupe: Logit Lens' }, fromSelection: true };
const slot = new PanelSlot<LensPanel>(SPEC);

/** The logit-lens panel: layers × positions grid, a target token's trace, KL to the output. */
export class LensPanel extends ResultPanel<LensHostApi, LensView> {
  static show(extensionUri: vscode.Uri, engine: EngineClient): LensPanel {
    return slot.show((panel) => new LensPanel(panel, extensionUri, engine));
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, engine: EngineClient): void {
    slot.revive(panel, (p) => new LensPanel(p, extensionUri, engine));
  }

  private constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, engine: EngineClient) {
    super(
      panel,
      extensionUri,
      SPEC,
      {
        target: (raw, signal) => {
          const o = asObject(raw, 'target request');
          const target = typeof o.target === 'number' ? intIn(o.target, 0, 10_000_000, 'target id') : shortString(o.target, 200, 'target');
          if (target === '') throw new InputError('Type a token to trace.');
          return engine.call('lens/target', { runId: shortString(o.runId, 64, 'runId'), position: intIn(o.position, 0, 1_000_000, 'position'), target }, signal);
        },
        page: (raw, signal) => {
          const o = asObject(raw, 'page request');
          return engine.call('lens/page', { runId: shortString(o.runId, 64, 'runId'), from: intIn(o.from, 0, 1_000_000, 'from'), to: intIn(o.to, 0, 1_000_000, 'to'), topK: intIn(o.topK, 1, 1024, 'topK') }, signal);
        },
      },
      slot,
    );
  }

  display(view: LensView): void {
    this.showView(view, view.result.model.name);
  }
}
