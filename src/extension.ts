// activate(): wiring only. Every command lives in src/host/commands, one file each.
import * as vscode from 'vscode';
import { join } from 'node:path';
import { EngineClient } from './host/engineClient';
import { readSettings } from './host/settings';
import { ModelStatus } from './host/modelStatus';
import type { ModelInfo } from './protocol/engine';
import { SurprisalView } from './host/surprisalView';
import { inspectNextToken } from './host/commands/inspectNextToken';
import { showSurprisal } from './host/commands/showSurprisal';
import { selectModel } from './host/commands/selectModel';
import { openAttentionMap } from './host/commands/openAttentionMap';
import { logitLens } from './host/commands/logitLens';
import { findInductionHeads } from './host/commands/findInductionHeads';
import { compareBaselines } from './host/commands/compareBaselines';
import { BaselineDecorations } from './host/baselineDecorations';
import { attentionDilution } from './host/commands/attentionDilution';
import { probeFutureTokens } from './host/commands/probeFutureTokens';
import { compareCheckpoints } from './host/commands/compareCheckpoints';
import { fitCrossModalMap } from './host/commands/fitCrossModalMap';
import { projectEmbeddings } from './host/commands/projectEmbeddings';
import { trainProbe } from './host/commands/trainProbe';
import { applyProbe } from './host/commands/applyProbe';
import { ProbeView } from './host/probeView';
import { exportActivations } from './host/commands/exportActivations';
import { showModelInfo, statusOf } from './host/commands/showModelInfo';
import { directLogitAttribution } from './host/commands/directLogitAttribution';
import { activationPatching } from './host/commands/activationPatching';
import { inspectAudio } from './host/commands/inspectAudio';
import { registerAudioEditor } from './host/customEditors/audioEditor';
import { registerPanelSerializers } from './host/panels/serializers';
import { createModelGate } from './host/modelGate';
import { clearHubToken, setHubToken } from './host/commands/hubToken';
import { registerImageInspection } from './host/registerImageInspection';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Tensorloupe', { log: true });
  const modelStatus = new ModelStatus(context.extensionPath, (line) => log.warn(line));
  const engine = new EngineClient({
    enginePath: join(context.extensionPath, 'dist', 'engine.js'),
    settings: { ...readSettings(context.extensionPath).engine, cacheDir: join(context.globalStorageUri.fsPath, 'instrumented') },
    onLog: (line) => log.info(line),
    prepareModel: createModelGate(context),
    onResult: (method, result) => {
      if (method === 'model/load') modelStatus.loaded(result as ModelInfo);
      else if (typeof result === 'object' && result !== null && 'model' in result) modelStatus.loaded((result as { model: ModelInfo }).model);
    },
  });
  const surprisal = new SurprisalView();
  const probeView = new ProbeView();
  const baselineDecorations = new BaselineDecorations(surprisal);
  context.subscriptions.push(
    log,
    modelStatus,
    surprisal,
    probeView,
    baselineDecorations,
    { dispose: () => engine.dispose() },
    vscode.commands.registerCommand('tensorloupe.inspectNextToken', () => inspectNextToken(context, engine)),
    vscode.commands.registerCommand('tensorloupe.showSurprisal', () => showSurprisal(context, engine, surprisal)),
    vscode.commands.registerCommand('tensorloupe.clearSurprisal', () => surprisal.clear()),
    vscode.commands.registerCommand('tensorloupe.selectModel', () => selectModel(context, engine)),
    vscode.commands.registerCommand('tensorloupe.openAttentionMap', () => openAttentionMap(context, engine)),
    vscode.commands.registerCommand('tensorloupe.logitLens', () => logitLens(context, engine)),
    vscode.commands.registerCommand('tensorloupe.findInductionHeads', () => findInductionHeads(context, engine)),
    vscode.commands.registerCommand('tensorloupe.attentionDilution', () => attentionDilution(context, engine)),
    vscode.commands.registerCommand('tensorloupe.futureTokens', () => probeFutureTokens(context, engine)),
    vscode.commands.registerCommand('tensorloupe.compareCheckpoints', () => compareCheckpoints(context, engine)),
    vscode.commands.registerCommand('tensorloupe.fitCrossModalMap', () => fitCrossModalMap(context, engine)),
    vscode.commands.registerCommand('tensorloupe.exportActivations', () => exportActivations(context, engine)),
    vscode.commands.registerCommand('tensorloupe.projectEmbeddings', () => projectEmbeddings(context, engine)),
    vscode.commands.registerCommand('tensorloupe.trainProbe', () => trainProbe(context, engine)),
    vscode.commands.registerCommand('tensorloupe.applyProbe', () => applyProbe(context, engine, probeView)),
    vscode.commands.registerCommand('tensorloupe.clearProbe', () => probeView.clear()),
    vscode.commands.registerCommand('tensorloupe.showModelInfo', () => showModelInfo(context, engine, (r) => modelStatus.loaded(statusOf(r)))),
    vscode.commands.registerCommand('tensorloupe.directLogitAttribution', (given?: { target: number | string; vs?: number | string }) => directLogitAttribution(context, engine, given)),
    vscode.commands.registerCommand('tensorloupe.activationPatching', () => activationPatching(context, engine)),
    vscode.commands.registerCommand('tensorloupe.setHubToken', () => setHubToken(context)),
    vscode.commands.registerCommand('tensorloupe.clearHubToken', () => clearHubToken(context)),
    vscode.commands.registerCommand('tensorloupe.compareBaselines', () => compareBaselines(context, engine, baselineDecorations)),
    vscode.commands.registerCommand('tensorloupe.inspectAudio', (uri?: unknown) => inspectAudio(context, engine, uri)),
    registerAudioEditor(context, engine),
    ...registerPanelSerializers(context, engine),
    ...registerImageInspection(context, engine),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('tensorloupe.model')) modelStatus.refresh();
      if (e.affectsConfiguration('tensorloupe.executionProvider') || e.affectsConfiguration('tensorloupe.threads') || e.affectsConfiguration('tensorloupe.variant')) {
        engine.configure({ ...readSettings(context.extensionPath).engine, cacheDir: join(context.globalStorageUri.fsPath, 'instrumented') });
      }
    }),
  );
}

export function deactivate(): void {
  // Subscriptions dispose the engine process.
}
