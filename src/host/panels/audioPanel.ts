import * as vscode from 'vscode';
import { PanelSlot, ResultPanel } from './resultPanel';
import { asObject, intIn, numberIn, oneOf, optional, shortString } from '../../util/validate';
import type { EngineClient } from '../engineClient';
import type { AudioHostApi, AudioView } from '../../protocol/audioPanel';

export const AUDIO_VIEW_TYPE = 'tensorloupe.audio';
const SPEC = { viewType: AUDIO_VIEW_TYPE, title: 'Audio', bundle: 'audio', command: { id: 'tensorloupe.inspectAudio', title: 'Tensorloupe: Inspect Audio' } };
const slot = new PanelSlot<AudioPanel>(SPEC);

/** Inspect Audio: waveform, spectrogram, player, predictions per window and encoder attention. */
export class AudioPanel extends ResultPanel<AudioHostApi, AudioView> {
  static show(extensionUri: vscode.Uri, engine: EngineClient): AudioPanel {
    return slot.show((panel) => new AudioPanel(panel, extensionUri, engine, slot));
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, engine: EngineClient): void {
    slot.revive(panel, (p) => new AudioPanel(p, extensionUri, engine, slot));
  }

  /** the same panel inside a custom editor's webview (Reopen With… → Tensorloupe Audio), outside the slot */
  static inEditor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, engine: EngineClient): AudioPanel {
    return new AudioPanel(panel, extensionUri, engine, { release: () => undefined });
  }

  private constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, engine: EngineClient, owner: { release(panel: unknown): void }) {
    super(
      panel,
      extensionUri,
      SPEC,
      {
        // the webview is untrusted: every field checked before it reaches the engine
        attention: (raw) => {
          const o = asObject(raw, 'attention request');
          const fusion = optional(o.fusion, 'fusion', (v, w) => oneOf(v, ['mean', 'max', 'min'] as const, w));
          const discardRatio = optional(o.discardRatio, 'discardRatio', (v, w) => numberIn(v, 0, 0.99, w));
          return engine.call('audio/attention', {
            runId: shortString(o.runId, 64, 'runId'),
            window: intIn(o.window, 0, 10_000_000, 'window'),
            ...(fusion === undefined ? {} : { fusion }),
            ...(discardRatio === undefined ? {} : { discardRatio }),
          });
        },
      },
      owner,
    );
  }

  display(view: AudioView): void {
    this.showView(view, view.result.model);
  }
}
