// Head view: the [query, key] heatmap, sized to fit the panel, and BertViz-style token-to-token
// lines beside it (or below, when the panel is narrow). Hovering the map or a token shows a
// floating read-out and highlights the query's row and the key's column on the map.
import { drawRowScaledMap } from '../shared/colorRamp';
import { themeColors } from '../shared/theme';
import { visibleToken } from '../../src/util/format';
import { Readout } from './readout';
import { lineReadout, renderTokenLines } from './tokenLines';
import type { AttentionHeadResult } from '../../src/protocol/internals';
import type { TokenInfo } from '../../src/protocol/engine';

/** Heatmap side, px: at least this, at most that, else 12 px a token. */
const MAP_MIN_PX = 240;
const MAP_MAX_PX = 640;

export class HeadView {
  private head: AttentionHeadResult | undefined;
  private tokens: TokenInfo[] = [];
  private readonly readout: Readout;

  constructor(
    private readonly heatmap: HTMLCanvasElement,
    private readonly overlay: HTMLCanvasElement,
    private readonly linesBox: HTMLElement,
    tooltip: HTMLElement,
  ) {
    this.readout = new Readout(tooltip);
    heatmap.addEventListener('mousemove', (e) => this.hover(e));
    heatmap.addEventListener('mouseleave', () => {
      this.readout.hide();
      this.clearOverlay();
    });
    // the map's size follows the panel's width
    window.addEventListener('resize', () => {
      if (this.head) this.layout();
    });
  }

  /** Draws the map; returns the milliseconds the ImageData draw took. */
  show(head: AttentionHeadResult, tokens: TokenInfo[], lut: Uint32Array): number {
    this.head = head;
    this.tokens = tokens;
    const t0 = performance.now();
    drawRowScaledMap(this.heatmap, head.data, head.rowScale, head.size, lut);
    const ms = performance.now() - t0;
    this.overlay.width = head.size;
    this.overlay.height = head.size;
    const side = this.layout();
    renderTokenLines(this.linesBox, tokens, head.size, side, {
      value: (q, k) => this.value(q, k),
      enter: (which, i, anchor) => {
        this.readout.showBeside(lineReadout(which, i, this.tokens, head.size, (q, k) => this.value(q, k)), anchor);
        if (which === 'query') this.highlight(i, undefined);
        else this.highlight(undefined, i);
      },
      leave: () => {
        this.readout.hide();
        this.clearOverlay();
      },
    });
    return ms;
  }

  /**
   * Sets the map's CSS size: 12 px a token within [240, 640], but never wider than the panel nor
   * taller than most of its height. Whole pixels a cell when they fit; returns the side in px.
   */
  private layout(): number {
    const n = this.head!.size;
    const room = (this.heatmap.closest('section')?.clientWidth ?? MAP_MAX_PX) - 2;
    const fit = Math.max(120, Math.min(MAP_MAX_PX, room, Math.round(window.innerHeight * 0.8)));
    const want = Math.min(fit, Math.max(MAP_MIN_PX, n * 12));
    const px = Math.floor(want / n);
    const side = px >= 1 ? n * px : want;
    for (const c of [this.heatmap, this.overlay]) {
      c.style.width = `${side}px`;
      c.style.height = `${side}px`;
    }
    return side;
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
    this.readout.showAt(
      `query ${q} “${visibleToken(this.tokens[q]?.text ?? '')}” → key ${k} “${visibleToken(this.tokens[k]?.text ?? '')}”: ${this.value(q, k).toFixed(4)}`,
      e.clientX,
      e.clientY,
    );
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
}

export function mapMax(head: AttentionHeadResult): number {
  let max = 0;
  for (const s of head.rowScale) if (s > max) max = s;
  return max * 255;
}
