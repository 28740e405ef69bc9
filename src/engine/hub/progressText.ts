import { formatBytes } from '../../util/format';
import { escapeControl } from '../../util/escape';
import type { DownloadProgress } from './downloadModel';

/** "onnx/model.onnx · 3.1 MB of 6.5 MB (48%) · 2.0 MB/s", shared by the CLI's stderr and the editor's notification. */
export function progressText(p: DownloadProgress): string {
  if (p.waitingFor) return `waiting for another download of ${escapeControl(p.file)} (${escapeControl(p.waitingFor)})`;
  const pct = p.total > 0 ? ` (${Math.floor((100 * p.bytes) / p.total)}%)` : '';
  return `${escapeControl(p.file)} · ${formatBytes(p.bytes)} of ${formatBytes(p.total)}${pct} · ${formatBytes(Math.round(p.rate))}/s`;
}
