import * as vscode from 'vscode';
import { basename } from 'node:path';
import { readSettings } from './settings';
import { isHubModelArgument, repoIdOfSnapshot } from '../engine/hub/resolveModelArgument';
import type { ModelInfo } from '../protocol/engine';

/**
 * Status-bar item naming the model in use (and, once it has run, its execution provider and any
 * fallback note); click to choose another.
 */
export class ModelStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('tensorloupe.model', vscode.StatusBarAlignment.Right, 101);
  private info: ModelInfo | undefined;
  /** the provider fallback last written to the output channel (each new one is written once) */
  private loggedNote: string | undefined;

  constructor(private readonly extensionPath: string, private readonly log: (line: string) => void = () => undefined) {
    this.item.name = 'Tensorloupe Model';
    this.item.command = 'tensorloupe.selectModel';
    this.refresh();
    this.item.show();
  }

  /** Called with what the engine reported after a load or a run. */
  loaded(info: ModelInfo): void {
    this.info = info;
    if (info.providerNote && info.providerNote !== this.loggedNote) this.log(`${info.name}: ${info.providerNote}`);
    this.loggedNote = info.providerNote;
    this.refresh();
  }

  refresh(): void {
    const { model, engine } = readSettings(this.extensionPath);
    const current = this.info && this.info.dir === model ? this.info : undefined;
    // a provider the user named and did not get is flagged in the text; auto's choice is explained in the tooltip
    const fellBack = current?.providerNote !== undefined && engine.provider !== 'auto' && engine.provider !== current?.provider;
    this.item.text = `$(telescope) ${repoIdOfSnapshot(model) ?? (isHubModelArgument(model) ? model : basename(model))}${current ? ` · ${fellBack ? `$(warning) ${current.provider} (not ${engine.provider})` : current.provider}` : ''}`;
    const tip = new vscode.MarkdownString(`**Tensorloupe model**\n\n\`${model}\``);
    if (current) {
      tip.appendMarkdown(`\n\n${current.modelType}, ${current.nLayers} layers, context ${current.contextLength}, vocab ${current.vocabSize}, ${current.dtype}, on ${current.provider}`);
      if (current.providerNote) tip.appendMarkdown(`\n\n${current.providerNote}`);
    }
    tip.appendMarkdown('\n\n[Show Model Info](command:tensorloupe.showModelInfo) · click to choose another model.');
    tip.isTrusted = { enabledCommands: ['tensorloupe.showModelInfo'] };
    this.item.tooltip = tip;
  }

  dispose(): void {
    this.item.dispose();
  }
}
