import * as vscode from 'vscode';
import type { EngineClient } from '../engineClient';
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
  return [
    vscode.window.registerWebviewPanelSerializer(ATTENTION_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => AttentionPanel.revive(panel, context.extensionUri, engine),
    }),
    vscode.window.registerWebviewPanelSerializer(LENS_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => LensPanel.revive(panel, context.extensionUri, engine),
    }),
    vscode.window.registerWebviewPanelSerializer(INDUCTION_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => InductionPanel.revive(panel, context.extensionUri),
    }),
    vscode.window.registerWebviewPanelSerializer(DILUTION_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => DilutionPanel.revive(panel, context.extensionUri),
    }),
    vscode.window.registerWebviewPanelSerializer(PROJECTOR_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => ProjectorPanel.revive(panel, context.extensionUri, engine, () => readSettings(context.extensionPath).model, probeFilePicker(context)),
    }),
    vscode.window.registerWebviewPanelSerializer(PROBES_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => ProbesPanel.revive(panel, context.extensionUri, engine, rememberProbe(context)),
    }),
    vscode.window.registerWebviewPanelSerializer(MODEL_INFO_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => ModelInfoPanel.revive(panel, context.extensionUri),
    }),
    vscode.window.registerWebviewPanelSerializer(BASELINES_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => BaselinesPanel.revive(panel, context.extensionUri),
    }),
    vscode.window.registerWebviewPanelSerializer(DLA_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => DlaPanel.revive(panel, context.extensionUri),
    }),
    vscode.window.registerWebviewPanelSerializer(PATCHING_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => PatchingPanel.revive(panel, context.extensionUri),
    }),
    vscode.window.registerWebviewPanelSerializer(FUTURE_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => FuturePanel.revive(panel, context.extensionUri),
    }),
    vscode.window.registerWebviewPanelSerializer(CHECKPOINTS_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => CheckpointsPanel.revive(panel, context.extensionUri),
    }),
    vscode.window.registerWebviewPanelSerializer(CROSS_MODAL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => CrossModalPanel.revive(panel, context.extensionUri),
    }),
  ];
}
