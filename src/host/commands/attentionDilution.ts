import * as vscode from 'vscode';
import { editorTextOrWarn, sourceLabel } from '../selection';
import { readSettings } from '../settings';
import { DilutionPanel } from '../panels/dilutionPanel';
import { CancelledError } from '../../protocol/rpc';
import type { DilutionResult } from '../../protocol/internals';
import type { EngineClient } from '../engineClient';
import { runWithProgress } from './runWithProgress';

/** Appends one length's [1, layer] rows to the [length, layer] arrays measured so far. */
function merge(a: DilutionResult | undefined, b: DilutionResult): DilutionResult {
  if (!a) return b;
  const cat = (x: Float32Array, y: Float32Array) => {
    const out = new Float32Array(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  return {
    ...b,
    lengths: [...a.lengths, ...b.lengths],
    entropyRatio: cat(a.entropyRatio, b.entropyRatio),
    firstTokenMass: cat(a.firstTokenMass, b.firstTokenMass),
    residCosine: cat(a.residCosine, b.residCosine),
    ms: a.ms + b.ms,
  };
}

/**
 * Tensorloupe: Attention Dilution — over growing prefixes of the selection. The engine is asked
 * for one prefix length at a time, so progress is real, the panel draws as lengths arrive, and a
 * cancel stops between lengths (runWithProgress restarts the engine if a forward pass will not stop).
 */
export async function attentionDilution(context: vscode.ExtensionContext, engine: EngineClient): Promise<void> {
  const source = editorTextOrWarn(true);
  if (!source) return;
  const settings = readSettings(context.extensionPath);
  const panel = DilutionPanel.show(context.extensionUri);
  const where = sourceLabel(source);
  const run = async () => {
    panel.loading('Measuring the shortest prefix…');
    let sofar: DilutionResult | undefined;
    let plan: number[] = [];
    // a hard cancel (the engine restarted mid-length) rejects with EngineCrashed, not Cancelled:
    // the user's click is what makes it a cancelled run
    let userCancelled = false;
    try {
      await runWithProgress(engine, 'Tensorloupe: attention dilution', async (cancel, progress, token) => {
        token.onCancellationRequested(() => {
          userCancelled = true;
        });
        for (let i = 0; i === 0 || i < plan.length; i++) {
          if (token.isCancellationRequested) throw new CancelledError();
          const step = await engine.call('dilution/get', { model: settings.model, text: source.text, maxTokens: settings.maxTokens, lengths: [], planIndex: i }, cancel);
          plan = step.plan ?? step.lengths;
          sofar = merge(sofar, step);
          const done = i + 1 >= plan.length;
          // work grows with n (attention is n²), so weight the bar by length
          const total = plan.reduce((s, n) => s + n, 0);
          progress.report({ increment: (100 * step.lengths[0]) / total, message: done ? 'done' : `${plan[i + 1]} tokens next (${i + 1}/${plan.length})` });
          panel.display({ source: where, result: sofar, plan, complete: done, cancelled: false });
        }
      });
    } catch (error) {
      if (((error as { code?: string }).code === 'Cancelled' || userCancelled) && sofar) {
        // keep what was measured: the curves up to the last finished length, labelled as cut short
        panel.display({ source: where, result: sofar, plan, complete: true, cancelled: true });
        void vscode.window.showInformationMessage(`Tensorloupe: attention dilution cancelled after n = ${sofar.lengths[sofar.lengths.length - 1]} (${sofar.lengths.length} of ${plan.length} prefix lengths).`);
      } else panel.error(error);
    }
  };
  panel.setRerun(() => void run());
  await run();
}
