// Attention-dilution panel: per layer, against prefix length n, the mean attention entropy / log n,
// the attention mass on the first token, and the mean cosine of residual vectors to their mean.
// The host sends each length as it is measured, so the charts grow while the sweep runs.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { connectToHost } from '../shared/rpcClient';
import { saveState, loadState } from '../shared/vscodeApi';
import { onThemeChange } from '../shared/theme';
import { el } from '../shared/dom';
import { frameHandlers, panelChrome, setNotices, setPanelState, setSubtitle, type PanelState } from '../shared/panelFrame';
import { LayerChart, type Series } from './layerChart';
import type { DilutionHostApi, DilutionPanelApi, DilutionView } from '../../src/protocol/dilutionPanel';
import type { DilutionResult } from '../../src/protocol/internals';

interface UiState {
  v: number;
  showTable: boolean;
}

const state = loadState<UiState>(1, { v: 1, showTable: false });
const timings: Record<string, number> = {};
(window as unknown as { __tlTimings: Record<string, number> }).__tlTimings = timings;

const METRICS: { key: 'entropyRatio' | 'firstTokenMass' | 'residCosine'; title: string; help: string; min?: number; max?: number }[] = [
  { key: 'entropyRatio', title: 'entropy / log n', help: 'Mean attention entropy over heads and queries, divided by the log of the keys each query sees: 1 = uniform (fully diluted), 0 = one key.', min: 0, max: 1 },
  { key: 'firstTokenMass', title: 'mass on first token', help: 'Mean attention on position 0 (the "sink"): where heads park attention they do not need.', min: 0, max: 1 },
  { key: 'residCosine', title: 'cos(resid, mean)', help: 'Mean cosine similarity of each position’s residual vector (resid_post) to their mean: near 1 means the representations are collapsing together.', max: 1 },
];

document.getElementById('app')!.replaceChildren(
  ...panelChrome('Attention dilution', () => void host.call('retry', {})),
  el('div', { id: 'content', hidden: true }, [
    el('p', { id: 'progress', className: 'muted', role: 'status' }),
    ...METRICS.map((m) =>
      el('section', { 'aria-label': m.title }, [
        el('h2', {}, [m.title]),
        el('p', { className: 'muted' }, [m.help]),
        el('div', { className: 'chart-box' }, [el('canvas', { id: `chart-${m.key}`, role: 'img', 'aria-label': `${m.title} against prefix length, one line per layer` })]),
      ]),
    ),
    el('label', {}, [el('input', { id: 'show-table', type: 'checkbox' }), ' Show the numbers as a table']),
    el('table', { id: 'numbers', hidden: true }),
  ]),
);

let view: DilutionView | undefined;
const charts = new Map(METRICS.map((m) => [m.key, new LayerChart(document.getElementById(`chart-${m.key}`) as HTMLCanvasElement)]));

const frame = frameHandlers(() => document.getElementById('content')!);
const host = connectToHost<DilutionPanelApi, DilutionHostApi>({
  ...frame,
  loading: (p) => {
    view = undefined; // a new measurement: the old curves must not be redrawn over it
    return frame.loading(p);
  },
  show: (v) => {
    view = v;
    render();
    return null;
  },
});

function setState(s: PanelState): void {
  setPanelState(s, document.getElementById('content')!);
}

function render(): void {
  if (!view) return;
  const t0 = performance.now();
  const r = view.result;
  setSubtitle(`${r.model.name} · ${view.source.fileName}:${view.source.line} · ${r.totalTokens ?? r.lengths[r.lengths.length - 1]} tokens · ${r.nLayers} layers · ${r.ms.toFixed(0)} ms`);
  setNotices(r.truncation ? [r.truncation.reason] : []);
  const progress = document.getElementById('progress')!;
  progress.textContent = progressText(view);
  // a cut-short sweep must not read like a finished one: the notice style, not the muted one
  progress.className = view.cancelled ? 'notice' : 'muted';
  document.body.dataset.complete = String(view.complete);
  document.body.dataset.cancelled = String(view.cancelled);
  setState('drawn');
  for (const m of METRICS) {
    const s: Series = { title: m.title, lengths: r.lengths, nLayers: r.nLayers, values: r[m.key], min: m.min, max: m.max };
    timings[`${m.key}Ms`] = charts.get(m.key)!.draw(s);
  }
  renderTable(r);
  timings.drawnMs = performance.now() - t0;
}

function progressText(v: DilutionView): string {
  const lengths = v.result.lengths;
  if (v.cancelled) return `Cancelled after n = ${lengths[lengths.length - 1]}; curves so far: ${lengths.length} of ${v.plan.length} prefix lengths (${lengths.join(', ')}).`;
  if (v.complete) return `Measured ${lengths.length} prefix lengths: ${lengths.join(', ')}.`;
  return `Measured ${lengths.length} of ${v.plan.length} prefix lengths; next n = ${v.plan[lengths.length]}…`;
}

function renderTable(r: DilutionResult): void {
  const table = document.getElementById('numbers') as HTMLTableElement;
  table.hidden = !state.showTable;
  if (!state.showTable) return;
  const head = el('tr', {}, [el('th', { scope: 'col' }, ['n']), el('th', { scope: 'col' }, ['layer']), ...METRICS.map((m) => el('th', { scope: 'col', className: 'num' }, [m.title]))]);
  const rows: HTMLElement[] = [];
  r.lengths.forEach((n, i) => {
    for (let l = 0; l < r.nLayers; l++) {
      rows.push(el('tr', {}, [el('td', { className: 'num' }, [String(n)]), el('td', { className: 'num' }, [String(l)]), ...METRICS.map((m) => el('td', { className: 'num' }, [r[m.key][i * r.nLayers + l].toFixed(4)]))]));
    }
  });
  table.replaceChildren(el('thead', {}, [head]), el('tbody', {}, rows));
}

const toggle = document.getElementById('show-table') as HTMLInputElement;
toggle.checked = state.showTable;
toggle.addEventListener('change', () => {
  state.showTable = toggle.checked;
  saveState(state);
  if (view) renderTable(view.result);
});
onThemeChange(render);
setState('loading');
