import { RpcError } from '../../../protocol/rpc';

/** An image the engine cannot read: truncated, corrupt, too large or of a format it does not decode. */
export class ImageError extends RpcError {
  constructor(message: string) {
    super('ImageError', message);
  }
}

/**
 * A format the engine does not decode itself (WebP, GIF): the editor decodes it in the panel's
 * webview (the browser's own decoder) and sends the pixels; the CLI says to convert the file.
 */
export class ImageNeedsWebviewError extends RpcError {
  constructor(message: string) {
    super('ImageNeedsWebview', message);
  }
}
