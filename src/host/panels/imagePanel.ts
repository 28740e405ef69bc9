import * as vscode from 'vscode';
import { PanelSlot, ResultPanel } from './resultPanel';
import { asObject, intIn, numberIn, oneOf } from '../../util/validate';
import { ROLLOUT_FUSIONS, type RolloutFusion } from '../../protocol/vision';
import type { EngineClient } from '../engineClient';
import type { ImageHostApi, ImagePanelApi, ImageView } from '../../protocol/imagePanel';

export const IMAGE_VIEW_TYPE = 'tensorloupe.image';
const SPEC = { viewType: IMAGE_VIEW_TYPE, title: 'Image', bundle: 'image', command: { id: 'tensorloupe.inspectImage', title: 'Tensorloupe: Inspect Image' } };
const slot = new PanelSlot<ImagePanel>(SPEC);

/**
 * The image panel: predictions, the rollout over the image, CLS → patch maps per layer and head,
 * a patch's attention on hover, the CLS logit lens. The Inspect Image command's panel (one per
 * window) and, through adopt(), each "Reopen With… Tensorloupe Image Inspector" editor.
 */
export class ImagePanel extends ResultPanel<ImageHostApi, ImageView, ImagePanelApi> {
  private runId: string | undefined;
  /** set by Inspect Image: projects the run's patches into the Projector panel */
  onOpenProjector: ((req: { runId: string; layer: number; fusion: RolloutFusion; discardRatio: number }) => Promise<void>) | undefined;

  static show(extensionUri: vscode.Uri, engine: EngineClient): ImagePanel {
    return slot.show((panel) => new ImagePanel(panel, extensionUri, engine, slot));
  }

  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, engine: EngineClient): void {
    slot.revive(panel, (p) => new ImagePanel(p, extensionUri, engine, slot));
  }

  /** a custom editor's own webview panel: not the command's slot, closed with its editor */
  static adopt(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, engine: EngineClient): ImagePanel {
    return new ImagePanel(panel, extensionUri, engine, { release: () => undefined });
  }

  private constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, engine: EngineClient, owner: { release(panel: unknown): void }) {
    super(
      panel,
      extensionUri,
      SPEC,
      {
        rollout: (raw) => {
          const o = asObject(raw, 'rollout request');
          return engine.call('vision/rollout', { runId: this.currentRun(), fusion: oneOf(o.fusion, ROLLOUT_FUSIONS, 'fusion'), discardRatio: numberIn(o.discardRatio, 0, 0.99, 'discardRatio') });
        },
        openProjector: async (raw) => {
          const o = asObject(raw, 'projector request');
          const req = { runId: this.currentRun(), layer: intIn(o.layer, 0, 1000, 'layer'), fusion: oneOf(o.fusion, ROLLOUT_FUSIONS, 'fusion'), discardRatio: numberIn(o.discardRatio, 0, 0.99, 'discardRatio') };
          if (!this.onOpenProjector) throw new Error('This panel cannot open the projector.');
          await this.onOpenProjector(req);
          return null;
        },
        patch: (raw) => {
          const o = asObject(raw, 'patch request');
          return engine.call('vision/patch', { runId: this.currentRun(), layer: intIn(o.layer, 0, 1000, 'layer'), head: intIn(o.head, -1, 1000, 'head'), token: intIn(o.token, 0, 1_000_000, 'token') });
        },
      },
      owner,
    );
  }

  private currentRun(): string {
    if (!this.runId) throw new Error('No image has been inspected in this panel yet.');
    return this.runId;
  }

  display(view: ImageView): void {
    this.runId = view.result.runId;
    this.showView(view, view.result.model);
  }

  /** decodes WebP / GIF bytes in the webview (the browser's decoder) into RGBA pixels */
  decode(bytes: Uint8Array, mime: string): Promise<{ width: number; height: number; rgba: Uint8Array }> {
    return this.host.endpoint.call('decode', { bytes, mime });
  }
}
