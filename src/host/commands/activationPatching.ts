import * as vscode from 'vscode';
import { editorTextOrWarn, sourceLabel } from '../selection';
import { readSettings } from '../settings';
import { PatchingPanel } from '../panels/interventionPanels';
import { runWithProgress } from './runWithProgress';
import type { EngineClient } from '../engineClient';
import type { PatchHook, PatchResult, TokenRef } from '../../protocol/interventions';
import type { PatchingView } from '../../protocol/interventionPanels';

const HOOKS: PatchHook[] = ['resid_pre', 'attn_out', 'mlp_out', 'z'];
const asRef = (s: string): TokenRef => (/^#\d+$/.test(s) ? Number(s.slice(1)) : s);

/**
 * Tensorloupe: Compare Prompts (Activation Patching) — the selection is the clean prompt; the corrupt
 * one is prefilled by swapping a token the user picks. Each hook × layer is its own request, and the
 * panel is redrawn after each, so a cancel keeps every layer already patched.
 */
export async function activationPatching(context: vscode.ExtensionContext, engine: EngineClient): Promise<void> {
  const source = editorTextOrWarn(false);
  if (!source) return;
  const settings = readSettings(context.extensionPath);
  const { tokens } = await engine.call('lm/nextToken', { model: settings.model, text: source.text, topK: 2, maxTokens: settings.maxTokens });
  const picks = tokens.map((t, i) => ({ label: `${i}: ${JSON.stringify(t.text)}`, index: i })).filter((p) => tokens[p.index].start >= 0);
  const pick = await vscode.window.showQuickPick(picks, { title: 'Compare Prompts: which token to swap for the corrupt prompt?', ignoreFocusOut: true });
  if (!pick) return;
  const t = tokens[pick.index];
  const replacement = await vscode.window.showInputBox({ title: 'Compare Prompts', prompt: `Replace ${JSON.stringify(t.text)} with (one token, so both prompts keep their length)`, ignoreFocusOut: true });
  if (replacement === undefined) return;
  const corrupt = await vscode.window.showInputBox({ title: 'Compare Prompts: the corrupt prompt', value: source.text.slice(0, t.start) + replacement + source.text.slice(t.end), ignoreFocusOut: true });
  if (corrupt === undefined) return;
  const answer = await vscode.window.showInputBox({ title: 'Compare Prompts: the answer token (clean prompt\'s right next token)', prompt: 'text or #ID', ignoreFocusOut: true });
  if (!answer) return;
  const wrong = await vscode.window.showInputBox({ title: 'Compare Prompts: the wrong token (what the corrupt prompt suggests)', prompt: 'text or #ID', ignoreFocusOut: true });
  if (!wrong) return;
  const panel = PatchingPanel.show(context.extensionUri);
  const run = async () => {
    panel.loading('Patching the clean run into the corrupt one…');
    const view: PatchingView = { source: sourceLabel(source), hooks: [], skipped: [], complete: false, cancelled: false };
    try {
      await runWithProgress(engine, 'Tensorloupe: activation patching', async (cancel, progress, token) => {
        const base = { model: settings.model, clean: source.text, corrupt, answer: asRef(answer), wrong: asRef(wrong) };
        const first = await engine.call('interventions/patch', { ...base, hook: 'resid_pre', layers: [0] }, cancel);
        const L = first.nLayers;
        const total = HOOKS.length * L;
        let done = 0;
        for (const hook of HOOKS) {
          let acc: PatchResult | undefined;
          for (let layer = 0; layer < L; layer++) {
            if (token.isCancellationRequested) throw new vscode.CancellationError();
            let r: PatchResult;
            try {
              r = hook === 'resid_pre' && layer === 0 ? first : await engine.call('interventions/patch', { ...base, hook, layers: [layer] }, cancel);
            } catch (error) {
              // a hook the model lacks (an attention-only model's mlp_out): say so and go on with the others
              if ((error as { code?: string }).code !== 'InputError') throw error;
              view.skipped.push({ hook, reason: (error as Error).message });
              done += L - layer;
              break;
            }
            acc = acc ? { ...acc, results: [...acc.results, ...r.results], runs: acc.runs + r.runs, patches: acc.patches + r.patches, ms: acc.ms + r.ms } : r;
            const entry = view.hooks.find((h) => h.hook === hook);
            if (entry) { entry.result = acc; entry.layersDone = layer + 1; } else view.hooks.push({ hook, result: acc, layersDone: layer + 1 });
            done++;
            progress.report({ message: `${hook} layer ${layer + 1}/${L}`, increment: 100 / total });
            panel.display(view);
          }
        }
      });
      view.complete = true;
      panel.display(view);
    } catch (error) {
      if (view.hooks.length && (error instanceof vscode.CancellationError || (error as { code?: string }).code === 'Cancelled')) {
        view.cancelled = true;
        panel.display(view); // cancel keeps what is done
      } else panel.error(error);
    }
  };
  panel.setRerun(() => void run());
  await run();
}
