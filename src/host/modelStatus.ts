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

  constructor(private readonly extensionPath: string) {
    this.item.name = 'Tensorloupe Model';
    this.item.command = 'tensorloupe.selectModel';
    this.refresh();
    this.item.show();
  }

  /** Called with what the engine reported after a load or a run. */
  loaded(info: ModelInfo): void {
    this.info = info;
    this.refresh();
  }

  refresh(): void {
    const model = readSettings(this.extensionPath).model;
    const current = this.info && this.info.dir === model ? this.info : undefined;
    this.item.text = `$(telescope) ${repoIdOfSnapshot(model) ?? (isHubModelArgument(model) ? model : basename(model))}${current ? ` · ${current.provider}` : ''}`;
    const tip = new vscode.MarkdownString(`**Tensorloupe model**\n\n\`${model}\``);
    if (current) {
      tip.appendMarkdown(`\n\n${current.modelType}, ${current.nLayers} layers, context ${current.contextLength}, vocab ${current.vocabSize}, ${current.dtype}, on ${current.provider}`);
      if (current.providerNote) tip.appendMarkdown(`\n\n${current.providerNote}`);
    }
    tip.appendMarkdown('\n\nClick to choose another model.');
    this.item.tooltip = tip;
  }

  dispose(): void {
    this.item.dispose();
  }
}
