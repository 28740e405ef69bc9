import * as vscode from 'vscode';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { readSettings } from '../settings';
import { readModalityModel } from '../visionSettings';
import { ImagePanel } from '../panels/imagePanel';
import { QUICK_RUN_MS, runWithProgress } from './runWithProgress';
import { projectImagePatches } from './projectImagePatches';
import { RpcError } from '../../protocol/rpc';
import type { EngineClient } from '../engineClient';
import type { InspectImageParams } from '../../protocol/vision';

/** The image files Inspect Image offers (menus, file picker, custom editor): package.json lists the same. */
export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'webp', 'bmp', 'gif'];
/** WebP and GIF are decoded by the panel's webview; their bytes travel to it, so they are bounded. */
const MAX_WEBVIEW_DECODE_BYTES = 64 * 2 ** 20;
const MIME: Record<string, string> = { '.webp': 'image/webp', '.gif': 'image/gif' };

/**
 * Tensorloupe: Inspect Image — from the explorer's context menu or an open image's title bar (the
 * file comes as the argument), or the palette (a file picker). The image model is
 * tensorloupe.visionModel, never tensorloupe.model.
 */
export async function inspectImage(context: vscode.ExtensionContext, engine: EngineClient, target?: unknown): Promise<void> {
  // menus pass the file's URI; the palette passes nothing and gets a file picker
  const file = target instanceof vscode.Uri ? target : await pickImage();
  if (!file) return;
  await inspectInPanel(context, engine, ImagePanel.show(context.extensionUri, engine), file);
}

async function pickImage(): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Inspect Image', filters: { Images: IMAGE_EXTENSIONS } });
  return picked?.[0];
}

/** Runs Inspect Image on `file` into `panel` (the command's panel, or a custom editor's). */
export async function inspectInPanel(context: vscode.ExtensionContext, engine: EngineClient, panel: ImagePanel, file: vscode.Uri): Promise<void> {
  const run = async () => {
    const model = readModalityModel(context.extensionPath, 'vision');
    const name = basename(file.fsPath);
    panel.loading(`Inspecting ${name} with ${basename(model)}…`);
    const params: InspectImageParams = { model, file: file.fsPath, topK: Math.min(readSettings(context.extensionPath).topK, 10), fusion: 'mean', discardRatio: 0 };
    try {
      const result = await runWithProgress(engine, `Tensorloupe: inspecting ${name}`, async (cancel) => {
        const ext = extname(file.fsPath).toLowerCase();
        if (MIME[ext]) params.pixels = await panel.decode(readBounded(file.fsPath), MIME[ext]);
        try {
          return await engine.call('vision/inspect', params, cancel);
        } catch (error) {
          // a file whose bytes are WebP or GIF under another name: the engine says so, the panel decodes it
          if (!(error instanceof RpcError && error.code === 'ImageNeedsWebview') || params.pixels) throw error;
          params.pixels = await panel.decode(readBounded(file.fsPath), 'image/*');
          return engine.call('vision/inspect', params, cancel);
        }
      }, { showAfterMs: QUICK_RUN_MS });
      panel.onOpenProjector = (req) => projectImagePatches(context, engine, req, name, result.nLayers);
      panel.display({ result, fileName: name, fusion: params.fusion, discardRatio: params.discardRatio });
    } catch (error) {
      panel.error(error);
    }
  };
  panel.setRerun(() => void run());
  await run();
}

function readBounded(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > MAX_WEBVIEW_DECODE_BYTES) throw new RpcError('ImageError', `${basename(path)} is ${(size / 2 ** 20).toFixed(0)} MB, above the ${MAX_WEBVIEW_DECODE_BYTES / 2 ** 20} MB limit for WebP and GIF images.`);
    const bytes = new Uint8Array(size);
    let at = 0;
    while (at < size) {
      const n = readSync(fd, bytes, at, size - at, at);
      if (n === 0) break;
      at += n;
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}
