import * as vscode from 'vscode';

/** The SecretStorage key of the Hugging Face token (never in settings, never in a log). */
export const HUB_TOKEN_SECRET = 'tensorloupe.hubToken';

/** Tensorloupe: Set Hugging Face Token — kept in VS Code's SecretStorage; wins over HF_TOKEN. */
export async function setHubToken(context: vscode.ExtensionContext): Promise<void> {
  const token = await vscode.window.showInputBox({
    title: 'Tensorloupe: Set Hugging Face Token',
    prompt: 'A read token from huggingface.co/settings/tokens, for private or gated repos. It is kept in VS Code’s secret storage and sent only to the Hub (HF_ENDPOINT).',
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (/^\S{8,}$/.test(v.trim()) ? undefined : 'A token is one word of at least 8 characters (hf_…).'),
  });
  if (token === undefined) return;
  await context.secrets.store(HUB_TOKEN_SECRET, token.trim());
  void vscode.window.showInformationMessage('Tensorloupe: Hugging Face token saved in secret storage.');
}

/** Tensorloupe: Clear Hugging Face Token. */
export async function clearHubToken(context: vscode.ExtensionContext): Promise<void> {
  await context.secrets.delete(HUB_TOKEN_SECRET);
  void vscode.window.showInformationMessage('Tensorloupe: Hugging Face token removed (HF_TOKEN, if set, still applies).');
}
