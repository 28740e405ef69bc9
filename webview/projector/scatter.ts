// The projector's scatter on a 2-D canvas: every point a small square in theme colours, pan by
// dragging, zoom with the wheel about the pointer, the nearest point under the pointer found by a
// scan of the screen positions (50,000 points: well under a frame). Draws are coalesced into one
// per animation frame, so a fast drag or wheel never queues frames.
import { cssVar, isHighContrast } from '../shared/theme';
import { pointPalette } from './legend';

export interface ScatterPoint {
  x: number;
  y: number;
}

export interface ScatterStyle {
  /** a colour index per point (into `colours`), or undefined for one colour */
  groups?: Uint16Array;
  /** CSS colour per group (default: the point palette) */
  colours?: string[];
  /** points drawn larger and in the highlight colour (search hits, neighbours) */
  highlighted: Set<number>;
  selected?: number;
}


/** A CSS colour as one little-endian RGBA pixel (the canvas normalises it: named, rgb(), #rgb all work). */
function packColour(g: CanvasRenderingContext2D, colour: string, alpha: number): number {
  g.fillStyle = '#000000';
  g.fillStyle = colour;
  const norm = g.fillStyle;
  let r = 0;
  let gr = 0;
  let b = 0;
  if (norm.startsWith('#')) {
    r = parseInt(norm.slice(1, 3), 16);
    gr = parseInt(norm.slice(3, 5), 16);
    b = parseInt(norm.slice(5, 7), 16);
  } else {
    const m = /rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(norm);
    if (m) [r, gr, b] = [Number(m[1]), Number(m[2]), Number(m[3])];
  }
  return ((alpha << 24) | (b << 16) | (gr << 8) | r) >>> 0;
}

export class Scatter {
  private points: ScatterPoint[] = [];
  private style: ScatterStyle = { highlighted: new Set() };
  // view: screen = (data − centre) × scale + half the canvas
  private cx = 0;
  private cy = 0;
  private scale = 1;
  private pending = false;
  private drag: { x: number; y: number; cx: number; cy: number; moved: boolean } | undefined;
  /** the last frame's draw time, for the bench and the e2e check */
  lastDrawMs = 0;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly onHover: (index: number | undefined) => void,
    private readonly onClick: (index: number) => void,
  ) {
    canvas.addEventListener('wheel', (e) => this.wheel(e), { passive: false });
    canvas.addEventListener('pointerdown', (e) => {
      canvas.setPointerCapture(e.pointerId);
      this.drag = { x: e.offsetX, y: e.offsetY, cx: this.cx, cy: this.cy, moved: false };
    });
    canvas.addEventListener('pointermove', (e) => {
      if (this.drag) {
        const dx = e.offsetX - this.drag.x;
        const dy = e.offsetY - this.drag.y;
        if (Math.abs(dx) + Math.abs(dy) > 3) this.drag.moved = true;
        this.cx = this.drag.cx - dx / this.scale;
        this.cy = this.drag.cy + dy / this.scale;
        this.requestDraw();
      } else this.onHover(this.pointAt(e.offsetX, e.offsetY));
    });
    canvas.addEventListener('pointerup', (e) => {
      const click = this.drag && !this.drag.moved;
      this.drag = undefined;
      if (click) {
        const hit = this.pointAt(e.offsetX, e.offsetY);
        if (hit !== undefined) this.onClick(hit);
      }
    });
    canvas.addEventListener('pointerleave', () => this.onHover(undefined));
    new ResizeObserver(() => this.requestDraw()).observe(canvas);
  }

  setPoints(points: ScatterPoint[]): void {
    this.points = points;
    this.fit();
  }

  setStyle(style: ScatterStyle): void {
    this.style = style;
    this.requestDraw();
  }

  /** the whole cloud in view with a margin */
  fit(): void {
    if (this.points.length === 0) return;
    let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
    for (const p of this.points) {
      x0 = Math.min(x0, p.x); x1 = Math.max(x1, p.x);
      y0 = Math.min(y0, p.y); y1 = Math.max(y1, p.y);
    }
    this.cx = (x0 + x1) / 2;
    this.cy = (y0 + y1) / 2;
    const { width, height } = this.size();
    this.scale = 0.9 * Math.min(width / Math.max(x1 - x0, 1e-9), height / Math.max(y1 - y0, 1e-9));
    this.requestDraw();
  }

  /** zoom by `factor` about the canvas point (sx, sy) */
  zoom(factor: number, sx?: number, sy?: number): void {
    const { width, height } = this.size();
    const px = sx ?? width / 2;
    const py = sy ?? height / 2;
    const [dx, dy] = this.toData(px, py);
    this.scale *= factor;
    // keep the data point under the pointer where it was
    this.cx = dx - (px - width / 2) / this.scale;
    this.cy = dy + (py - height / 2) / this.scale;
    this.requestDraw();
  }

  pan(dxPixels: number, dyPixels: number): void {
    this.cx -= dxPixels / this.scale;
    this.cy += dyPixels / this.scale;
    this.requestDraw();
  }

  /** screen position of point i (CSS pixels), for tests and the read-out */
  screenOf(i: number): { x: number; y: number } {
    const { width, height } = this.size();
    const p = this.points[i];
    return { x: (p.x - this.cx) * this.scale + width / 2, y: height / 2 - (p.y - this.cy) * this.scale };
  }

  drawNow(): number {
    const t0 = performance.now();
    const { width, height } = this.size();
    const dpr = window.devicePixelRatio || 1;
    if (this.canvas.width !== Math.round(width * dpr) || this.canvas.height !== Math.round(height * dpr)) {
      this.canvas.width = Math.round(width * dpr);
      this.canvas.height = Math.round(height * dpr);
    }
    const g = this.canvas.getContext('2d')!;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, width, height);
    const palette = this.style.colours ?? pointPalette();
    const highlight = cssVar('--vscode-editorWarning-foreground', '#cca700');
    const { groups, highlighted, selected } = this.style;
    // the points go straight into the pixel buffer, one putImageData per frame: 50,000 fillRect
    // calls took 50-76 ms a frame in chromium, the buffer a few
    const alpha = highlighted.size > 0 ? 90 : 210;
    const colours = Uint32Array.from(palette, (c) => packColour(g, c, alpha));
    const w = this.canvas.width;
    const h = this.canvas.height;
    const image = g.createImageData(w, h);
    const pixels = new Uint32Array(image.data.buffer);
    const size = Math.max(1, Math.round((this.points.length > 10_000 ? 2 : 3) * dpr));
    const sx0 = this.scale * dpr;
    const ox = (width / 2) * dpr - this.cx * sx0;
    const oy = (height / 2) * dpr + this.cy * sx0;
    for (let i = 0; i < this.points.length; i++) {
      const p = this.points[i];
      const px = Math.round(p.x * sx0 + ox - size / 2);
      const py = Math.round(oy - p.y * sx0 - size / 2);
      if (px < 0 || py < 0 || px + size > w || py + size > h) continue;
      const colour = colours[groups ? groups[i] % colours.length : 0];
      for (let dy = 0; dy < size; dy++) {
        const row = (py + dy) * w + px;
        for (let dx = 0; dx < size; dx++) pixels[row + dx] = colour;
      }
    }
    g.putImageData(image, 0, 0);
    g.globalAlpha = 1;
    g.fillStyle = highlight;
    g.strokeStyle = cssVar('--vscode-foreground', '#cccccc');
    g.lineWidth = isHighContrast() ? 2 : 1;
    for (const i of highlighted) {
      const s = this.screenOf(i);
      g.fillRect(s.x - 3, s.y - 3, 6, 6);
    }
    if (selected !== undefined && this.points[selected]) {
      const s = this.screenOf(selected);
      g.beginPath();
      g.arc(s.x, s.y, 6, 0, 2 * Math.PI);
      g.stroke();
    }
    this.lastDrawMs = performance.now() - t0;
    return this.lastDrawMs;
  }

  private requestDraw(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.drawNow();
    });
  }

  private wheel(e: WheelEvent): void {
    e.preventDefault();
    this.zoom(Math.exp(-e.deltaY * 0.002), e.offsetX, e.offsetY);
  }

  private toData(sx: number, sy: number): [number, number] {
    const { width, height } = this.size();
    return [(sx - width / 2) / this.scale + this.cx, (height / 2 - sy) / this.scale + this.cy];
  }

  private pointAt(sx: number, sy: number): number | undefined {
    let best: number | undefined;
    let bestD = 36; // within 6 px
    for (let i = 0; i < this.points.length; i++) {
      const s = this.screenOf(i);
      const d = (s.x - sx) ** 2 + (s.y - sy) ** 2;
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    return best;
  }

  private size(): { width: number; height: number } {
    const r = this.canvas.getBoundingClientRect();
    return { width: Math.max(r.width, 1), height: Math.max(r.height, 1) };
  }
}
