// Attention panel: model view (thumbnails of every head), head view (heatmap + token lines) and
// a sortable table of per-head statistics. Maps arrive as uint8 with their scale.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { connectToHost } from '../shared/rpcClient';
import { loadState, saveState } from '../shared/vscodeApi';
import { onThemeChange } from '../shared/theme';
import { themeRamp } from '../shared/colorRamp';
import { el } from '../shared/dom';
import { frameHandlers, panelChrome, setNotices, setPanelState, setSubtitle } from '../shared/panelFrame';
import { renderModelView } from './modelView';
import { StatsTable } from './statsTable';
import { HeadView, mapMax } from './headView';
import { ablateSection } from '../shared/ablateSection';
import type { AttentionHostApi, AttentionPanelApi, AttentionView } from '../../src/protocol/attentionPanel';

interface UiState {
  v: number;
  layer: number;
  head: number;
}

const state = loadState<UiState>(1, { v: 1, layer: 0, head: 0 });
const timings: Record<string, number> = {};
(window as unknown as { __tlTimings: Record<string, number> }).__tlTimings = timings;

const content = el('div', { id: 'content', hidden: true }, [
  el('section', { 'aria-label': 'Model view' }, [el('h2', {}, ['Model view ', el('span', { className: 'muted' }, ['(layers × heads; click or Enter to open a head)'])]), el('div', { id: 'model-view' })]),
  el('section', { id: 'head-section', 'aria-label': 'Head view' }, [
    el('h2', { id: 'head-title' }, ['Head']),
    el('p', { id: 'head-note', className: 'muted' }),
    // the map and the token lines side by side when the panel is wide enough, else one below the other
    el('div', { className: 'head-body' }, [
      el('div', { className: 'heatmap-wrap' }, [el('canvas', { id: 'head-heatmap', className: 'heatmap', role: 'img', 'aria-label': 'Attention heatmap, rows are queries, columns are keys' }), el('canvas', { id: 'head-overlay', className: 'heatmap overlay' })]),
      el('div', { id: 'lines-box' }),
    ]),
    // floats next to the pointer (position: fixed), so it is in view wherever the map is hovered
    el('div', { id: 'tooltip', className: 'readout', hidden: true, role: 'status' }),
  ]),
  el('section', { 'aria-label': 'Per-head statistics' }, [el('h2', {}, ['Per-head statistics']), el('table', { id: 'stats' })]),
  ablateSection((req) => host.call('ablate', req), () => (view ? { layer: state.layer, head: state.head } : undefined)),
]);
document.getElementById('app')!.replaceChildren(...panelChrome('Attention', () => void host.call('retry', {})), content);

let view: AttentionView | undefined;
let lut = themeRamp();
const headView = new HeadView(
  document.getElementById('head-heatmap') as HTMLCanvasElement,
  document.getElementById('head-overlay') as HTMLCanvasElement,
  document.getElementById('lines-box')!,
  document.getElementById('tooltip')!,
);
const stats = new StatsTable(document.getElementById('stats') as HTMLTableElement, (l, h) => void openHead(l, h));

const host = connectToHost<AttentionPanelApi, AttentionHostApi>({
  ...frameHandlers(() => content),
  show: (v) => {
    view = v;
    render();
    return null;
  },
});

function render(): void {
  if (!view) return;
  const s = view.summary;
  setSubtitle(
    `${s.model.name} · ${view.source.fileName}:${view.source.line} · ${s.tokens.length} tokens · ${s.nLayers} layers × ${s.nHeads} heads · ${s.ms.toFixed(0)} ms`,
  );
  const notes: string[] = [];
  if (s.truncation) notes.push(s.truncation.reason);
  if (s.internals.recomputedLayers.length) notes.push(`Layers ${s.internals.recomputedLayers.join(', ')} use a fused attention op: their maps are recomputed from its Q and K.`);
  for (const u of s.internals.unavailable) notes.push(`${u.name}: ${u.reason}`);
  setNotices(notes);
  setPanelState('drawn', content);
  timings.thumbnailsMs = renderModelView(document.getElementById('model-view')!, s, lut, (l, h) => void openHead(l, h));
  stats.render(s.stats);
  const layer = Math.min(state.layer, s.nLayers - 1);
  const head = Math.min(state.head, s.nHeads - 1);
  void openHead(layer, head);
}

async function openHead(layer: number, head: number): Promise<void> {
  if (!view) return;
  state.layer = layer;
  state.head = head;
  saveState(state);
  document.body.dataset.layer = String(layer);
  document.body.dataset.head = String(head);
  for (const b of document.querySelectorAll<HTMLElement>('.thumb-button')) {
    b.classList.toggle('selected', b.dataset.layer === String(layer) && b.dataset.head === String(head));
  }
  try {
    const h = await host.call('head', { runId: view.summary.runId, layer, head });
    document.getElementById('head-title')!.textContent = `Layer ${layer}, head ${head}${h.recomputed ? ' (recomputed)' : ''}`;
    document.getElementById('head-note')!.textContent = `${h.size} × ${h.size}; rows are queries, columns are keys; colour ∝ √p, max p = ${mapMax(h).toFixed(3)}.`;
    timings.headDrawMs = headView.show(h, view.summary.tokens, lut);
    timings.headSize = h.size;
    document.body.dataset.headDrawn = `${layer}.${head}`;
  } catch (error) {
    document.getElementById('head-note')!.textContent = (error as Error).message;
  }
}

onThemeChange(() => {
  lut = themeRamp();
  render();
});
setPanelState('loading', content);
