// The clip over time: waveform, log-mel spectrogram, the strip of each window's top class, a
// playhead, and (when a window's attention is loaded) the hovered frame's attention drawn under
// the spectrogram. Click or Enter on a strip cell selects its window; the player plays the
// engine's mono samples through Web Audio.
import { el } from '../shared/dom';
import { themeColors } from '../shared/theme';
import { drawFloatMap, range } from './floatMap';
import { themeRamp } from '../shared/colorRamp';
import { markColour } from '../shared/markColour';
import type { AudioInspectResult, AudioWindow } from '../../src/protocol/audio';

const PALETTE = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow'];

export class Timeline {
  readonly root: HTMLElement;
  private readonly wave = el('canvas', { id: 'waveform', className: 'audio-wave', height: 80 }) as HTMLCanvasElement;
  private readonly spec = el('canvas', { id: 'spectrogram', className: 'audio-spec' }) as HTMLCanvasElement;
  private readonly hoverRow = el('canvas', { id: 'frame-attention', className: 'audio-hover-row', height: 18 }) as HTMLCanvasElement;
  private readonly strip = el('div', { id: 'strip', className: 'audio-strip', role: 'listbox', 'aria-label': 'Top class per window' });
  private readonly playhead = el('div', { className: 'audio-playhead', 'aria-hidden': 'true' });
  private readonly readout = el('p', { id: 'frame-readout', className: 'muted', 'aria-live': 'polite' });
  private readonly playButton = el('vscode-button', { id: 'play' }, ['Play']);
  private r: AudioInspectResult | undefined;
  private ctx: AudioContext | undefined;
  private source: AudioBufferSourceNode | undefined;
  private startedAt = 0;
  private offset = 0;
  private raf = 0;
  /** hovered time → that frame's attention row over the selected window: [positions] */
  rowAt: ((seconds: number) => { row: Float32Array; start: number; end: number; label: string } | undefined) | undefined;

  constructor(private readonly onWindow: (index: number) => void) {
    const stack = el('div', { className: 'audio-stack' }, [this.wave, this.spec, this.hoverRow, this.playhead]);
    this.root = el('section', { 'aria-label': 'Waveform and spectrogram' }, [el('div', { className: 'audio-controls' }, [this.playButton, el('span', { id: 'time', className: 'muted' })]), stack, this.strip, this.readout]);
    this.playButton.addEventListener('click', () => this.toggle());
    stack.addEventListener('mousemove', (e) => this.hover(e, stack));
    stack.addEventListener('click', (e) => this.seek(((e.clientX - stack.getBoundingClientRect().left) / stack.clientWidth) * this.duration()));
    window.addEventListener('resize', () => this.draw());
  }

  show(r: AudioInspectResult): void {
    this.stop();
    this.offset = 0;
    this.r = r;
    this.strip.replaceChildren(...r.strip.map((w, i) => this.cell(w, i)));
    this.draw();
    this.place(0);
  }

  select(index: number): void {
    for (const c of this.strip.children) c.setAttribute('aria-selected', String((c as HTMLElement).dataset.window === String(index)));
  }

  private cell(w: AudioWindow, i: number): HTMLElement {
    const top = w.top[0];
    const c = el('div', { className: 'audio-cell', role: 'option', tabindex: '0', title: `${w.start.toFixed(2)}-${w.end.toFixed(2)} s: ${w.top.map((t) => `${t.label} ${(t.prob * 100).toFixed(1)}%`).join(', ')}` }, [top ? top.label : '']);
    c.dataset.window = String(i);
    c.dataset.colour = PALETTE[(top?.id ?? 0) % PALETTE.length]; // painted by draw(), in this theme's colours
    c.addEventListener('click', () => this.onWindow(i));
    c.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        this.onWindow(i);
      } else if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
        const next = this.strip.children[i + (e.key === 'ArrowRight' ? 1 : -1)] as HTMLElement | undefined;
        next?.focus();
      }
    });
    return c;
  }

  private duration(): number {
    return this.r?.input.duration ?? 0;
  }

  draw(): void {
    const r = this.r;
    if (!r) return;
    const width = Math.max(200, this.root.clientWidth || 600);
    const c = themeColors();
    this.wave.width = width;
    const g = this.wave.getContext('2d');
    if (g) {
      g.clearRect(0, 0, width, 80);
      g.fillStyle = c.accent;
      const cols = r.peaks.length / 2;
      for (let x = 0; x < width; x++) {
        const k = Math.floor((x / width) * cols);
        const lo = r.peaks[2 * k];
        const hi = r.peaks[2 * k + 1];
        g.fillRect(x, 40 - hi * 38, 1, Math.max(1, (hi - lo) * 38));
      }
    }
    const s = r.spectrogram;
    // the spectrogram covers the viewed part (at most 10 minutes); stretched across the same width as the waveform's seconds
    this.spec.style.width = `${Math.min(100, ((s.frames * s.secondsPerFrame) / Math.max(1e-9, r.input.duration)) * 100)}%`;
    const [lo, hi] = range(s.data);
    drawFloatMap(this.spec, s.data, s.nMels, s.frames, lutFor('--vscode-charts-purple'), lo, hi, true);
    this.hoverRow.width = width;
    // the class bands and the playhead are marks: 3:1 off the background (Light Modern's chart orange is not)
    for (const cell of this.strip.children) (cell as HTMLElement).style.borderTopColor = markColour((cell as HTMLElement).dataset.colour ?? PALETTE[0], '#3794ff');
    this.playhead.style.background = markColour('--vscode-charts-orange', '#d18616');
    this.strip.style.gridTemplateColumns = `repeat(${r.strip.length}, 1fr)`;
  }

  private hover(e: MouseEvent, stack: HTMLElement): void {
    const seconds = ((e.clientX - stack.getBoundingClientRect().left) / stack.clientWidth) * this.duration();
    const got = this.rowAt?.(seconds);
    const g = this.hoverRow.getContext('2d');
    if (!g) return;
    const width = this.hoverRow.width;
    g.clearRect(0, 0, width, 18);
    if (!got) {
      this.readout.textContent = `${seconds.toFixed(2)} s`;
      return;
    }
    let max = 0;
    for (const v of got.row) max = Math.max(max, v);
    const d = this.duration();
    const x0 = (got.start / d) * width;
    const w = ((got.end - got.start) / d) * width;
    const n = got.row.length;
    g.fillStyle = markColour('--vscode-charts-orange', '#d18616');
    for (let k = 0; k < n; k++) {
      g.globalAlpha = max > 0 ? got.row[k] / max : 0;
      g.fillRect(x0 + (k / n) * w, 0, Math.ceil(w / n), 18);
    }
    g.globalAlpha = 1;
    this.readout.textContent = got.label;
  }

  private toggle(): void {
    if (this.source) this.stop();
    else this.play();
  }

  private play(): void {
    const r = this.r;
    if (!r) return;
    this.ctx ??= new AudioContext();
    const buffer = this.ctx.createBuffer(1, r.playback.length, r.playbackRate);
    buffer.copyToChannel(Float32Array.from(r.playback), 0);
    const src = this.ctx.createBufferSource();
    src.buffer = buffer;
    src.connect(this.ctx.destination);
    const at = Math.min(this.offset, buffer.duration);
    src.start(0, at);
    this.startedAt = this.ctx.currentTime - at;
    src.onended = () => {
      if (this.source === src) this.stop(true);
    };
    this.source = src;
    this.playButton.textContent = 'Pause';
    const tick = () => {
      this.place(this.ctx ? this.ctx.currentTime - this.startedAt : 0);
      this.raf = requestAnimationFrame(tick);
    };
    tick();
  }

  private stop(ended = false): void {
    if (this.source) {
      this.offset = ended ? 0 : (this.ctx?.currentTime ?? 0) - this.startedAt;
      const s = this.source;
      this.source = undefined;
      try {
        s.stop();
      } catch {
        // already stopped
      }
    }
    cancelAnimationFrame(this.raf);
    this.playButton.textContent = 'Play';
    this.place(this.offset);
  }

  private seek(seconds: number): void {
    const playing = !!this.source;
    this.stop();
    this.offset = Math.max(0, seconds);
    this.place(this.offset);
    if (playing) this.play();
  }

  private place(seconds: number): void {
    const d = this.duration();
    this.playhead.style.left = `${d > 0 ? Math.min(100, (seconds / d) * 100) : 0}%`;
    const time = document.getElementById('time');
    if (time) time.textContent = `${seconds.toFixed(2)} / ${d.toFixed(2)} s`;
  }
}

/** one ramp per accent colour, rebuilt after a theme change (resetLuts) */
const luts = new Map<string, Uint32Array>();
export function lutFor(accent: string): Uint32Array {
  let l = luts.get(accent);
  if (!l) {
    l = themeRamp(accent);
    luts.set(accent, l);
  }
  return l;
}
export function resetLuts(): void {
  luts.clear();
}
