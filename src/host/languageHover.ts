import * as vscode from 'vscode';

/**
 * A hover provider registered for every language it has been shown in, plus `{ scheme: '*' }`.
 * VS Code lists hovers by selector score, and a language server's `{ language }` selector beats
 * `{ scheme: '*' }`, so a scheme-only hover came last, under a long TypeScript hover, cut off.
 * Naming the document's language gives it the same score, and an extension's provider then comes
 * before a built-in one. Registered again when a new language is shown.
 */
export class LanguageHover implements vscode.Disposable {
  private registration: vscode.Disposable | undefined;
  private readonly languages = new Set<string>();

  constructor(private readonly provider: vscode.HoverProvider) {}

  showIn(languageId: string): void {
    if (this.registration && this.languages.has(languageId)) return;
    this.languages.add(languageId);
    this.registration?.dispose();
    this.registration = vscode.languages.registerHoverProvider([{ scheme: '*' }, ...[...this.languages].map((language) => ({ language }))], this.provider);
  }

  dispose(): void {
    this.registration?.dispose();
  }
}
