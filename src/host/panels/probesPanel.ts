import * as vscode from 'vscode';
import { PanelSlot, ResultPanel } from './resultPanel';
import { asObject, intIn } from '../../util/validate';
import type { EngineClient } from '../engineClient';
import type { ProbesHostApi, ProbesPanelApi, ProbesPreview, ProbesView } from '../../protocol/probesPanel';

export const PROBES_VIEW_TYPE = 'tensorloupe.probes';
const SPEC = { viewType: PROBES_VIEW_TYPE, title: 'Probes', bundle: 'probes', command: { id: 'tensorloupe.trainProbe', title: 'Tensorloupe: Train Probe…' } };
const slot = new PanelSlot<ProbesPanel>(SPEC);

/** The probes panel: accuracy per layer against the majority baseline and the control task, selectivity, confusion, Save Probe. */
export class ProbesPanel extends ResultPanel<ProbesHostApi, ProbesView, ProbesPanelApi> {
  private view: ProbesView | undefined;
  private onTrain: (() => void) | undefined;

  /** `onSaved` hears where a probe was saved (Apply Probe offers the last one) */
  static show(extensionUri: vscode.Uri, engine: EngineClient, onSaved: (path: string) => void): ProbesPanel {
    return slot.show((panel) => new ProbesPanel(panel, extensionUri, engine, onSaved));
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, engine: EngineClient, onSaved: (path: string) => void): void {
    slot.revive(panel, (p) => new ProbesPanel(p, extensionUri, engine, onSaved));
  }

  private constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, engine: EngineClient, onSaved: (path: string) => void) {
    super(
      panel,
      extensionUri,
      SPEC,
      {
        train: () => {
          this.onTrain?.();
          return null;
        },
        save: async (raw, signal) => {
          const layer = intIn(asObject(raw, 'save request').layer, 0, 10_000, 'layer');
          const view = this.view;
          if (!view) return null;
          const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
          const name = `probe-${view.result.dataset.replace(/^builtin:/, '').replace(/[^A-Za-z0-9_-]+/g, '_').slice(-40)}-layer${layer}.json`;
          const uri = await vscode.window.showSaveDialog({ filters: { JSON: ['json'] }, defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined });
          if (!uri) return null;
          const out = uri.fsPath.endsWith('.json') ? uri.fsPath : `${uri.fsPath}.json`;
          const saved = await engine.call('probe/save', { runId: view.result.runId, layer, out }, signal);
          onSaved(saved.out);
          void vscode.window.showInformationMessage(`Tensorloupe: saved the layer ${layer} probe to ${saved.out}.`);
          return { path: saved.out, bytes: saved.bytes };
        },
      },
      slot,
    );
  }

  setOnTrain(train: () => void): void {
    this.onTrain = train;
  }

  /** The dataset's size and class counts, before any forward pass; the panel's Train button starts training. */
  showPreview(preview: ProbesPreview): void {
    this.view = undefined;
    this.host.panel.title = `Probes · ${preview.preview.model}`;
    this.host.notify('preview', preview);
  }

  display(view: ProbesView): void {
    this.view = view;
    this.showView(view, view.result.model);
  }
}
