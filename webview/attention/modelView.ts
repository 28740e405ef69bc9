// Model view: every layer × head as a thumbnail button. Arrow keys move between heads.
import { el } from '../shared/dom';
import { drawUint8Map } from '../shared/colorRamp';
import type { AttentionSummaryResult } from '../../src/protocol/internals';

export function renderModelView(
  box: HTMLElement,
  s: AttentionSummaryResult,
  lut: Uint32Array,
  open: (layer: number, head: number) => void,
): number {
  const t0 = performance.now();
  const size = s.thumbSize * s.thumbSize;
  const grid = el('div', { className: 'thumb-grid', role: 'group', 'aria-label': 'Attention heads: rows are layers, columns are heads' });
  grid.style.gridTemplateColumns = `max-content repeat(${s.nHeads}, minmax(36px, 72px))`;
  grid.append(el('span'), ...Array.from({ length: s.nHeads }, (_, h) => el('span', { className: 'muted axis' }, [`H${h}`])));
  const recomputed = new Set(s.internals.recomputedLayers);
  for (let l = 0; l < s.nLayers; l++) {
    grid.append(el('span', { className: 'muted axis' }, [`L${l}`]));
    for (let h = 0; h < s.nHeads; h++) {
      const canvas = el('canvas', { className: 'thumb' }) as HTMLCanvasElement;
      const i = l * s.nHeads + h;
      drawUint8Map(canvas, s.thumbnails.subarray(i * size, (i + 1) * size), s.thumbSize, s.thumbSize, lut);
      const label = `Layer ${l} head ${h}${recomputed.has(l) ? ' (recomputed)' : ''}`;
      const button = el('button', { className: 'thumb-button', title: label, 'aria-label': label }, [canvas]);
      button.dataset.layer = String(l);
      button.dataset.head = String(h);
      button.addEventListener('click', () => open(l, h));
      button.addEventListener('keydown', (e: KeyboardEvent) => {
        const move: Record<string, [number, number]> = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
        const d = move[e.key];
        if (!d) return;
        e.preventDefault();
        const nl = Math.max(0, Math.min(s.nLayers - 1, l + d[0]));
        const nh = Math.max(0, Math.min(s.nHeads - 1, h + d[1]));
        grid.querySelector<HTMLElement>(`[data-layer="${nl}"][data-head="${nh}"]`)?.focus();
      });
      grid.append(button);
    }
  }
  box.replaceChildren(grid);
  return performance.now() - t0;
}
