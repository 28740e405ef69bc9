// Head view: the [query, key] heatmap with token labels, and BertViz-style token-to-token lines.
// Hovering a token highlights what it attends to (its row) and what attends to it (its column).
import { el } from '../shared/dom';
import { drawRowScaledMap } from '../shared/colorRamp';
import { themeColors } from '../shared/theme';
import { visibleToken } from '../../src/util/format';
import type { AttentionHeadResult } from '../../src/protocol/internals';
import type { TokenInfo } from '../../src/protocol/engine';

/** Lines and per-token labels are drawn only up to this many tokens; the heatmap always. */
const LINES_MAX_TOKENS = 160;

export class HeadView {
  private head: AttentionHeadResult | undefined;
  private tokens: TokenInfo[] = [];

  constructor(
    private readonly heatmap: HTMLCanvasElement,
    private readonly overlay: HTMLCanvasElement,
    private readonly linesBox: HTMLElement,
    private readonly tooltip: HTMLElement,
  ) {
    heatmap.addEventListener('mousemove', (e) => this.hover(e));
    heatmap.addEventListener('mouseleave', () => {
      this.tooltip.hidden = true;
      this.clearOverlay();
    });
  }

  /** Draws the map; returns the milliseconds the ImageData draw took. */
  show(head: AttentionHeadResult, tokens: TokenInfo[], lut: Uint32Array): number {
    this.head = head;
    this.tokens = tokens;
    const t0 = performance.now();
    drawRowScaledMap(this.heatmap, head.data, head.rowScale, head.size, lut);
    const ms = performance.now() - t0;
    const px = Math.max(1, Math.floor(Math.min(640, Math.max(240, head.size * 12)) / head.size));
    for (const c of [this.heatmap, this.overlay]) {
      c.style.width = `${head.size * px}px`;
      c.style.height = `${head.size * px}px`;
    }
    this.overlay.width = head.size;
    this.overlay.height = head.size;
    this.renderLines();
    return ms;
  }

  private value(q: number, k: number): number {
    const h = this.head!;
    return h.data[q * h.size + k] * h.rowScale[q];
  }

  private hover(e: MouseEvent): void {
    if (!this.head) return;
    const rect = this.heatmap.getBoundingClientRect();
    const k = Math.floor(((e.clientX - rect.left) / rect.width) * this.head.size);
    const q = Math.floor(((e.clientY - rect.top) / rect.height) * this.head.size);
    if (q < 0 || k < 0 || q >= this.head.size || k >= this.head.size) return;
    this.tooltip.hidden = false;
    this.tooltip.textContent = `query ${q} “${visibleToken(this.tokens[q]?.text ?? '')}” → key ${k} “${visibleToken(this.tokens[k]?.text ?? '')}”: ${this.value(q, k).toFixed(4)}`;
    this.highlight(q, k);
  }

  /** Marks row q and column k on the overlay canvas (one pixel per cell, like the map). */
  private highlight(q: number | undefined, k: number | undefined): void {
    const ctx = this.overlay.getContext('2d');
    if (!ctx || !this.head) return;
    ctx.clearRect(0, 0, this.head.size, this.head.size);
    ctx.fillStyle = themeColors().accentSelected;
    ctx.globalAlpha = 0.35;
    if (q !== undefined) ctx.fillRect(0, q, this.head.size, 1);
    if (k !== undefined) ctx.fillRect(k, 0, 1, this.head.size);
  }

  private clearOverlay(): void {
    this.highlight(undefined, undefined);
  }

  private renderLines(): void {
    const head = this.head!;
    if (head.size > LINES_MAX_TOKENS) {
      this.linesBox.replaceChildren(el('p', { className: 'muted' }, [`Token-to-token lines are shown up to ${LINES_MAX_TOKENS} tokens; this selection has ${head.size}. Hover the heatmap instead.`]));
      return;
    }
    const rowH = 18;
    const left = el('div', { className: 'line-col left' });
    const right = el('div', { className: 'line-col right' });
    const canvas = el('canvas', { className: 'lines-canvas' }) as HTMLCanvasElement;
    const width = 160;
    canvas.width = width * devicePixelRatio;
    canvas.height = head.size * rowH * devicePixelRatio;
    canvas.style.width = `${width}px`;
    canvas.style.height = `${head.size * rowH}px`;
    const draw = (from?: number, to?: number) => {
      const ctx = canvas.getContext('2d')!;
      ctx.setTransform(devicePixelRatio, 0, 0, devicePixelRatio, 0, 0);
      ctx.clearRect(0, 0, width, head.size * rowH);
      ctx.strokeStyle = themeColors().accent;
      for (let q = 0; q < head.size; q++) {
        if (from !== undefined && q !== from) continue;
        for (let k = 0; k < head.size; k++) {
          if (to !== undefined && k !== to) continue;
          const w = this.value(q, k);
          if (w < 0.02) continue;
          ctx.globalAlpha = Math.min(1, w * (from !== undefined || to !== undefined ? 1.5 : 1));
          ctx.lineWidth = 1 + 2 * w;
          ctx.beginPath();
          ctx.moveTo(0, q * rowH + rowH / 2);
          ctx.lineTo(width, k * rowH + rowH / 2);
          ctx.stroke();
        }
      }
    };
    this.tokens.slice(0, head.size).forEach((t, i) => {
      const a = el('span', { className: 'line-token', tabIndex: 0, title: `query ${i}` }, [visibleToken(t.text)]);
      const b = el('span', { className: 'line-token', tabIndex: 0, title: `key ${i}` }, [visibleToken(t.text)]);
      a.style.height = b.style.height = `${rowH}px`;
      const onQ = () => (draw(i, undefined), this.highlight(i, undefined));
      const onK = () => (draw(undefined, i), this.highlight(undefined, i));
      const reset = () => (draw(), this.clearOverlay());
      a.addEventListener('mouseenter', onQ);
      a.addEventListener('focus', onQ);
      b.addEventListener('mouseenter', onK);
      b.addEventListener('focus', onK);
      for (const x of [a, b]) {
        x.addEventListener('mouseleave', reset);
        x.addEventListener('blur', reset);
      }
      left.append(a);
      right.append(b);
    });
    draw();
    this.linesBox.replaceChildren(el('div', { className: 'lines' }, [left, canvas, right]));
  }
}

export function mapMax(head: AttentionHeadResult): number {
  let max = 0;
  for (const s of head.rowScale) if (s > max) max = s;
  return max * 255;
}
