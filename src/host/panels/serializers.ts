import * as vscode from 'vscode';
import type { EngineClient } from '../engineClient';
import { NextTokenPanel, NEXT_TOKEN_VIEW_TYPE } from './nextTokenPanel';
import { ImagePanel, IMAGE_VIEW_TYPE } from './imagePanel';
import { AudioPanel, AUDIO_VIEW_TYPE } from './audioPanel';
import { AttentionPanel, ATTENTION_VIEW_TYPE } from './attentionPanel';
import { LensPanel, LENS_VIEW_TYPE } from './lensPanel';
import { InductionPanel, INDUCTION_VIEW_TYPE } from './inductionPanel';
import { DilutionPanel, DILUTION_VIEW_TYPE } from './dilutionPanel';
import { PROJECTOR_VIEW_TYPE, ProjectorPanel } from './projectorPanel';
import { PROBES_VIEW_TYPE, ProbesPanel } from './probesPanel';
import { MODEL_INFO_VIEW_TYPE, ModelInfoPanel } from './modelInfoPanel';
import { BASELINES_VIEW_TYPE, BaselinesPanel } from './baselinesPanel';
import { DLA_VIEW_TYPE, DlaPanel, PATCHING_VIEW_TYPE, PatchingPanel } from './interventionPanels';
import { FUTURE_VIEW_TYPE, FuturePanel } from './futurePanel';
import { CHECKPOINTS_VIEW_TYPE, CheckpointsPanel } from './checkpointsPanel';
import { CROSS_MODAL_VIEW_TYPE, CrossModalPanel } from './crossModalPanel';
import { readSettings } from '../settings';
import { probeFilePicker, rememberProbe } from '../commands/applyProbe';

/**
 * Panels restored after a reload hold only UI state: each feature's revive() shows a prompt to
 * run its command again. Features add their serializer here.
 */
export function registerPanelSerializers(context: vscode.ExtensionContext, engine: EngineClient): vscode.Disposable[] {
  const uri = context.extensionUri;
  const revivers: [viewType: string, revive: (panel: vscode.WebviewPanel) => void][] = [
    [NEXT_TOKEN_VIEW_TYPE, (panel) => NextTokenPanel.revive(panel, uri, engine)],
    [ATTENTION_VIEW_TYPE, (panel) => AttentionPanel.revive(panel, uri, engine)],
    [LENS_VIEW_TYPE, (panel) => LensPanel.revive(panel, uri, engine)],
    [INDUCTION_VIEW_TYPE, (panel) => InductionPanel.revive(panel, uri)],
    [DILUTION_VIEW_TYPE, (panel) => DilutionPanel.revive(panel, uri)],
    [PROJECTOR_VIEW_TYPE, (panel) => ProjectorPanel.revive(panel, uri, engine, () => readSettings(context.extensionPath).model, probeFilePicker(context))],
    [PROBES_VIEW_TYPE, (panel) => ProbesPanel.revive(panel, uri, engine, rememberProbe(context))],
    [MODEL_INFO_VIEW_TYPE, (panel) => ModelInfoPanel.revive(panel, uri)],
    [BASELINES_VIEW_TYPE, (panel) => BaselinesPanel.revive(panel, uri)],
    [DLA_VIEW_TYPE, (panel) => DlaPanel.revive(panel, uri)],
    [PATCHING_VIEW_TYPE, (panel) => PatchingPanel.revive(panel, uri)],
    [FUTURE_VIEW_TYPE, (panel) => FuturePanel.revive(panel, uri)],
    [CHECKPOINTS_VIEW_TYPE, (panel) => CheckpointsPanel.revive(panel, uri)],
    [CROSS_MODAL_VIEW_TYPE, (panel) => CrossModalPanel.revive(panel, uri)],
    [IMAGE_VIEW_TYPE, (panel) => ImagePanel.revive(panel, uri, engine)],
    [AUDIO_VIEW_TYPE, (panel) => AudioPanel.revive(panel, uri, engine)],
  ];
  return revivers.map(([viewType, revive]) =>
    vscode.window.registerWebviewPanelSerializer(viewType, { deserializeWebviewPanel: async (panel) => revive(panel) }));
}
