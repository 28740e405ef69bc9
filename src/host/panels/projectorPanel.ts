import * as vscode from 'vscode';
import { PanelSlot, ResultPanel } from './resultPanel';
import { asObject, intIn, nonEmptyString, oneOf } from '../../util/validate';
import type { EngineClient } from '../engineClient';
import type { ProjectorChoice, ProjectorHostApi, ProjectorView } from '../../protocol/projectorPanel';
import type { TokenRef } from '../../protocol/projector';
import { pointsCsv, pointsJson } from './projectorExport';
import { InputError } from '../../engine/errors';

/** where the projector gets a saved probe file from (Apply Probe's picker) and tells which was used */
export interface ProbeFilePicker {
  pick(): Promise<string | undefined>;
  remember(path: string): void;
}

export const PROJECTOR_VIEW_TYPE = 'tensorloupe.projector';
const SPEC = { viewType: PROJECTOR_VIEW_TYPE, title: 'Projector', bundle: 'projector', command: { id: 'tensorloupe.projectEmbeddings', title: 'Tensorloupe: Project Embeddings' }, fromSelection: true };
const slot = new PanelSlot<ProjectorPanel>(SPEC);

const tokenRef = (v: unknown, what: string): TokenRef => (typeof v === 'number' ? intIn(v, 0, 2 ** 31 - 1, what) : nonEmptyString(v, 200, what));

/** The projector panel: a 2-D scatter of embeddings or hidden states, neighbours, analogies, export. */
export class ProjectorPanel extends ResultPanel<ProjectorHostApi, ProjectorView> {
  private view: ProjectorView | undefined;
  private onProject: ((choice: ProjectorChoice) => void) | undefined;

  /** `probeFile` asks the user for a saved probe (the one last saved or applied first) */
  static show(extensionUri: vscode.Uri, engine: EngineClient, model: () => string, probeFile: ProbeFilePicker): ProjectorPanel {
    return slot.show((panel) => new ProjectorPanel(panel, extensionUri, engine, model, probeFile));
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, engine: EngineClient, model: () => string, probeFile: ProbeFilePicker): void {
    slot.revive(panel, (p) => new ProjectorPanel(p, extensionUri, engine, model, probeFile));
  }

  private constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, engine: EngineClient, model: () => string, probeFile: ProbeFilePicker) {
    super(
      panel,
      extensionUri,
      SPEC,
      {
        project: (raw) => {
          const o = asObject(raw, 'project request');
          const choice: ProjectorChoice = {
            source: oneOf(o.source, ['embeddings', 'resid', 'patches'] as const, 'source'),
            layer: intIn(o.layer, 0, 10_000, 'layer'),
            method: oneOf(o.method, ['pca', 'umap'] as const, 'method'),
            seed: intIn(o.seed, 0, 2 ** 32 - 1, 'seed'),
          };
          this.onProject?.(choice);
          return null;
        },
        neighbours: (raw, signal) => {
          const o = asObject(raw, 'neighbours request');
          return engine.call('projector/neighbours', { model: model(), token: tokenRef(o.token, 'token'), k: intIn(o.k, 1, 100, 'k') }, signal);
        },
        analogy: (raw, signal) => {
          const o = asObject(raw, 'analogy request');
          return engine.call('projector/analogy', { model: model(), a: tokenRef(o.a, 'a'), b: tokenRef(o.b, 'b'), c: tokenRef(o.c, 'c'), k: intIn(o.k, 1, 100, 'k') }, signal);
        },
        predict: async (raw, signal) => {
          const which = oneOf(asObject(raw, 'predict request').probe, ['latest', 'file'] as const, 'probe');
          const projectionId = this.view?.result.projectionId;
          if (!projectionId) throw new InputError('Probe prediction reads hidden states: project the selection’s hidden states at the probe’s layer first.');
          const file = which === 'file' ? await probeFile.pick() : undefined;
          if (which === 'file' && !file) return null;
          const result = await engine.call('projector/predict', { projectionId, probe: file ? { file } : { latest: true } }, signal);
          if (file) probeFile.remember(file);
          return result;
        },
        export: async (raw) => {
          const format = oneOf(asObject(raw, 'export request').format, ['json', 'csv'] as const, 'format');
          if (!this.view) return null;
          const uri = await vscode.window.showSaveDialog({ filters: format === 'json' ? { JSON: ['json'] } : { CSV: ['csv'] }, defaultUri: defaultExportUri(format) });
          if (!uri) return null;
          const r = this.view.result;
          await vscode.workspace.fs.writeFile(uri, Buffer.from(format === 'json' ? pointsJson(r) : pointsCsv(r.points), 'utf8'));
          return { path: uri.fsPath };
        },
      },
      slot,
    );
  }

  setOnProject(run: (choice: ProjectorChoice) => void): void {
    this.onProject = run;
  }

  display(view: ProjectorView): void {
    this.view = view;
    this.showView(view, view.result.model);
  }
}

function defaultExportUri(format: 'json' | 'csv'): vscode.Uri | undefined {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return folder ? vscode.Uri.joinPath(folder, `points.${format}`) : undefined;
}
