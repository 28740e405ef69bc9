import * as vscode from 'vscode';
import { basename, extname } from 'node:path';
import { editorText } from '../selection';
import { readSettings } from '../settings';
import { runWithProgress } from './runWithProgress';
import type { EngineClient } from '../engineClient';

interface NamesPick extends vscode.QuickPickItem {
  names?: string[];
  custom?: boolean;
}

const PRESETS: NamesPick[] = [
  { label: 'Every hook', description: 'embeddings, residual stream, attention patterns', names: [] },
  { label: 'Attention patterns', description: 'blocks.*.attn.hook_pattern  [batch, head, query_pos, key_pos]', names: ['blocks.*.attn.hook_pattern'] },
  {
    label: 'Residual stream',
    description: 'hook_embed, blocks.*.hook_resid_pre|mid|post, ln_final.hook_normalized  [batch, pos, d_model]',
    names: ['hook_embed', 'blocks.*.hook_resid_pre', 'blocks.*.hook_resid_mid', 'blocks.*.hook_resid_post', 'ln_final.hook_normalized'],
  },
  { label: 'Names or globs…', description: 'e.g. blocks.1.*', custom: true },
];

/** Tensorloupe: Export Activations — the selection's activations as .safetensors. */
export async function exportActivations(context: vscode.ExtensionContext, engine: EngineClient): Promise<void> {
  try {
    const source = editorText(vscode.window.activeTextEditor, false);
    const pick = await vscode.window.showQuickPick(PRESETS, { title: 'Tensorloupe: Export Activations', placeHolder: 'Which activations?' });
    if (!pick) return;
    let names = pick.names ?? [];
    if (pick.custom) {
      const typed = await vscode.window.showInputBox({ prompt: 'Hook names or globs, comma-separated', value: 'blocks.*.attn.hook_pattern' });
      if (!typed) return;
      names = typed.split(',').map((s) => s.trim()).filter(Boolean);
    }
    const docUri = source.editor.document.uri;
    const stem = basename(docUri.fsPath, extname(docUri.fsPath)) || 'selection';
    const folder = vscode.workspace.getWorkspaceFolder(docUri)?.uri ?? vscode.Uri.file(context.globalStorageUri.fsPath);
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(folder, `${stem}-activations.safetensors`),
      filters: { safetensors: ['safetensors'] },
      saveLabel: 'Export',
    });
    if (!target) return;
    const settings = readSettings(context.extensionPath);
    const r = await runWithProgress(engine, 'Tensorloupe: exporting activations', (cancel) =>
      engine.call('activations/export', { model: settings.model, text: source.text, names, out: target.fsPath, maxTokens: settings.maxTokens }, cancel),
    );
    const choice = await vscode.window.showInformationMessage(
      `Tensorloupe: wrote ${r.tensors.length} tensors (${(r.bytes / 1024).toFixed(0)} KB) to ${basename(r.out)}.`,
      'Reveal in Explorer',
      'Copy Python Snippet',
    );
    if (choice === 'Reveal in Explorer') await vscode.commands.executeCommand('revealFileInOS', target);
    if (choice === 'Copy Python Snippet') {
      await vscode.env.clipboard.writeText(
        `from safetensors.numpy import load_file\nacts = load_file(${JSON.stringify(r.out)})\nprint({k: v.shape for k, v in acts.items()})\n`,
      );
    }
  } catch (error) {
    if ((error as { code?: string }).code === 'Cancelled') return;
    void vscode.window.showErrorMessage(`Tensorloupe: ${(error as Error).message}`);
  }
}
