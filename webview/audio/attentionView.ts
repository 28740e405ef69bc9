// Encoder self-attention of one window: the model view (every layer × head as a thumbnail), the
// head view (one head's [query, key] map, large, with a read-out on hover) and the rollout over
// time with its head fusion and discard ratio. Thumbnails are buttons: Tab reaches them, Enter opens one.
import { el } from '../shared/dom';
import { drawFloatMap } from './floatMap';
import { lutFor } from './timeline';
import type { AudioAttentionResult } from '../../src/protocol/audio';

export interface AttentionChoice {
  layer: number;
  head: number;
}

export class AttentionView {
  readonly root: HTMLElement;
  readonly fusion = el('select', { id: 'fusion', 'aria-label': 'Head fusion' }, ['mean', 'max', 'min'].map((f) => el('option', { value: f }, [f]))) as HTMLSelectElement;
  readonly discard = el('input', { id: 'discard', type: 'range', min: '0', max: '0.9', step: '0.1', value: '0', 'aria-label': 'Discard ratio' }) as HTMLInputElement;
  private readonly grid = el('div', { id: 'model-view', className: 'audio-grid', role: 'group', 'aria-label': 'Model view: layers by heads' });
  private readonly head = el('canvas', { id: 'head-view', className: 'audio-map' }) as HTMLCanvasElement;
  private readonly rollout = el('canvas', { id: 'rollout', className: 'audio-map' }) as HTMLCanvasElement;
  private readonly headTitle = el('h3', {}, ['Head view']);
  private readonly readout = el('p', { id: 'attention-readout', className: 'muted', 'aria-live': 'polite' });
  private readonly windowTitle = el('h2', { id: 'window-title' }, ['Encoder self-attention']);
  a: AudioAttentionResult | undefined;
  choice: AttentionChoice = { layer: 0, head: 0 };

  constructor(onControls: () => void) {
    this.root = el('section', { 'aria-label': 'Encoder self-attention' }, [
      this.windowTitle,
      el('div', { className: 'audio-controls' }, [el('label', {}, ['fusion ', this.fusion]), el('label', {}, ['discard ratio ', this.discard, el('span', { id: 'discard-value' }, ['0'])])]),
      el('div', { className: 'audio-maps' }, [
        el('div', {}, [el('h3', {}, ['Model view']), this.grid]),
        el('div', {}, [this.headTitle, this.head]),
        el('div', {}, [el('h3', {}, ['Rollout over time']), this.rollout]),
      ]),
      this.readout,
    ]);
    this.fusion.addEventListener('change', onControls);
    this.discard.addEventListener('change', () => {
      document.getElementById('discard-value')!.textContent = this.discard.value;
      onControls();
    });
    for (const [canvas, which] of [[this.head, 'head'], [this.rollout, 'rollout']] as const) {
      canvas.addEventListener('mousemove', (e) => this.hover(e, canvas, which));
    }
  }

  show(a: AudioAttentionResult): void {
    this.a = a;
    this.windowTitle.textContent = `Encoder self-attention · window ${a.window + 1} (${a.start.toFixed(2)}-${a.end.toFixed(2)} s)`;
    const n = a.positions;
    const per = n * n;
    this.grid.style.gridTemplateColumns = `repeat(${a.heads}, auto)`;
    const thumbs: HTMLElement[] = [];
    for (let l = 0; l < a.layers; l++) {
      for (let h = 0; h < a.heads; h++) {
        const c = el('canvas', { className: 'audio-thumb' }) as HTMLCanvasElement;
        drawFloatMap(c, a.patterns.subarray((l * a.heads + h) * per, (l * a.heads + h + 1) * per), n, n, lutFor('--vscode-charts-blue'), 0, maxOf(a.patterns.subarray((l * a.heads + h) * per, (l * a.heads + h + 1) * per)));
        const b = el('button', { className: 'audio-thumb-button', 'aria-label': `layer ${l} head ${h}`, title: `layer ${l} head ${h}` }, [c]);
        b.dataset.layer = String(l);
        b.dataset.head = String(h);
        b.addEventListener('click', () => this.pick({ layer: l, head: h }));
        thumbs.push(b);
      }
    }
    this.grid.replaceChildren(...thumbs);
    this.pick(this.choice.layer < a.layers && this.choice.head < a.heads ? this.choice : { layer: 0, head: 0 });
    drawFloatMap(this.rollout, a.rollout, n, n, lutFor('--vscode-charts-green'), 0, maxOf(a.rollout));
  }

  /** the selected head's (or the rollout's) row of the query frame at `seconds`, for the timeline */
  rowAt(seconds: number): { row: Float32Array; start: number; end: number; label: string } | undefined {
    const a = this.a;
    if (!a || seconds < a.start || seconds >= a.start + a.positions * a.secondsPerPosition) return undefined;
    const q = Math.min(a.positions - 1, Math.floor((seconds - a.start) / a.secondsPerPosition));
    const n = a.positions;
    const at = ((this.choice.layer * a.heads + this.choice.head) * n + q) * n;
    const row = a.patterns.subarray(at, at + n);
    let best = 0;
    for (let k = 1; k < n; k++) if (row[k] > row[best]) best = k;
    const t = (k: number) => (a.start + k * a.secondsPerPosition).toFixed(2);
    return { row, start: a.start, end: a.start + n * a.secondsPerPosition, label: `frame ${q} (${t(q)} s), layer ${this.choice.layer} head ${this.choice.head}: most attention to frame ${best} (${t(best)} s), ${(row[best] * 100).toFixed(1)}%` };
  }

  private pick(c: AttentionChoice): void {
    const a = this.a;
    if (!a) return;
    this.choice = c;
    const n = a.positions;
    const at = (c.layer * a.heads + c.head) * n * n;
    const map = a.patterns.subarray(at, at + n * n);
    drawFloatMap(this.head, map, n, n, lutFor('--vscode-charts-blue'), 0, maxOf(map));
    this.headTitle.textContent = `Head view · layer ${c.layer} head ${c.head}`;
    for (const b of this.grid.children) b.classList.toggle('selected', (b as HTMLElement).dataset.layer === String(c.layer) && (b as HTMLElement).dataset.head === String(c.head));
  }

  private hover(e: MouseEvent, canvas: HTMLCanvasElement, which: 'head' | 'rollout'): void {
    const a = this.a;
    if (!a) return;
    const rect = canvas.getBoundingClientRect();
    const n = a.positions;
    const k = Math.min(n - 1, Math.floor(((e.clientX - rect.left) / rect.width) * n));
    const q = Math.min(n - 1, Math.floor(((e.clientY - rect.top) / rect.height) * n));
    const value = which === 'rollout' ? a.rollout[q * n + k] : a.patterns[((this.choice.layer * a.heads + this.choice.head) * n + q) * n + k];
    const t = (i: number) => (a.start + i * a.secondsPerPosition).toFixed(2);
    this.readout.textContent = `${which === 'rollout' ? 'rollout' : `layer ${this.choice.layer} head ${this.choice.head}`}: frame ${q} (${t(q)} s) → frame ${k} (${t(k)} s) ${(value * 100).toFixed(2)}%`;
  }
}

function maxOf(data: Float32Array): number {
  let m = 0;
  for (const v of data) if (v > m) m = v;
  return m || 1;
}
