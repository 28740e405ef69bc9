// Logit-lens panel: layers × positions grid of each layer's top next-token guess, a target token
// traced across layers at a chosen position, and KL to the output per layer.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { connectToHost } from '../shared/rpcClient';
import { loadState, saveState } from '../shared/vscodeApi';
import { onThemeChange } from '../shared/theme';
import { el } from '../shared/dom';
import { frameHandlers, panelChrome, setNotices, setPanelState, setSubtitle, type PanelState } from '../shared/panelFrame';
import { computedMask, PAGE, renderGrid, scrollToPosition } from './grid';
import { TargetChart } from './targetChart';
import { renderCellInfo, renderTrace } from './details';
import { shortLayer } from './labels';
import { visibleToken } from '../../src/util/format';
import { lensTargetNote } from '../../src/util/lensTargetNote';
import type { LensHostApi, LensPanelApi, LensView } from '../../src/protocol/lensPanel';
import type { LensPageResult, LensResult, LensTargetResult } from '../../src/protocol/internals';

interface UiState {
  v: number;
  /** -1 = the last position */
  position: number;
  layer: number;
  /** typed target; '' = the output's top token at the position */
  target: string;
}

const state = loadState<UiState>(1, { v: 1, position: -1, layer: 0, target: '' });
const timings: Record<string, number> = {};
(window as unknown as { __tlTimings: Record<string, number> }).__tlTimings = timings;

document.getElementById('app')!.replaceChildren(
  ...panelChrome('Logit lens', () => void host.call('retry', {})),
  el('div', { id: 'content', hidden: true }, [
    el('section', { 'aria-label': 'Lens grid' }, [
      el('h2', {}, ['Top token per layer ', el('span', { className: 'muted' }, ['(rows: residual stream into each block, then the output; columns: positions; arrows move, Enter picks a position)'])]),
      el('div', { className: 'row' }, [
        el('vscode-button', { id: 'prev-page', secondary: true, 'aria-label': 'Previous positions' }, ['◀']),
        el('span', { id: 'page-label', className: 'muted' }),
        el('vscode-button', { id: 'next-page', secondary: true, 'aria-label': 'Next positions' }, ['▶']),
      ]),
      el('div', { id: 'lens-wrap', className: 'lens-wrap' }, [el('table', { id: 'lens-grid', className: 'lens-grid', role: 'grid', 'aria-label': 'Logit lens: rows are layers, columns are positions' })]),
      el('p', { id: 'cell-info', className: 'muted', role: 'status' }),
    ]),
    el('section', { 'aria-label': 'Target token across layers' }, [
      el('h2', { id: 'target-title' }, ['Target token']),
      el('form', { id: 'target-form', className: 'row' }, [
        el('label', {}, ['Token ', el('input', { id: 'target-input', type: 'text', placeholder: 'output’s top token', size: 16 })]),
        el('vscode-button', { id: 'target-go' }, ['Trace']),
      ]),
      el('p', { id: 'target-note', className: 'notice', role: 'status', hidden: true }),
      el('div', { id: 'target-chart-box', className: 'chart-box' }, [el('canvas', { id: 'target-chart', role: 'img', 'aria-label': 'Target token probability and rank across layers' })]),
      el('table', { id: 'trace-table' }),
    ]),
  ]),
);

let view: LensView | undefined;
let page = 0;
/** [positions] 1 = the grid holds this position's values */
let computed: Uint8Array = new Uint8Array(0);
/** page requests in flight, by "runId:from:to", so a re-render does not ask twice */
const pending = new Set<string>();
let trace: LensTargetResult | undefined;
const chart = new TargetChart(document.getElementById('target-chart') as HTMLCanvasElement);
const input = document.getElementById('target-input') as HTMLInputElement;

const host = connectToHost<LensPanelApi, LensHostApi>({
  ...frameHandlers(() => document.getElementById('content')!),
  show: (v) => {
    view = v;
    const r = v.result;
    computed = computedMask(r);
    if (state.position >= r.positions) state.position = -1;
    state.layer = Math.min(state.layer, r.layers.length - 1);
    page = Math.floor(position() / PAGE);
    render();
    void traceTarget();
    return null;
  },
});

function position(): number {
  return view && state.position >= 0 ? state.position : (view?.result.positions ?? 1) - 1;
}

function setState(s: PanelState): void {
  setPanelState(s, document.getElementById('content')!);
}

function render(): void {
  if (!view) return;
  const r = view.result;
  setSubtitle(`${r.model.name} · ${view.source.fileName}:${view.source.line} · ${r.positions} tokens · ${r.layers.length} lens rows · ${r.ms.toFixed(0)} ms`);
  setNotices(r.truncation ? [r.truncation.reason] : []);
  setState('drawn');
  const pages = Math.ceil(r.positions / PAGE);
  page = Math.max(0, Math.min(pages - 1, page));
  document.getElementById('page-label')!.textContent = `positions ${page * PAGE}–${Math.min(r.positions, (page + 1) * PAGE) - 1} of ${r.positions}`;
  document.getElementById('prev-page')!.toggleAttribute('disabled', page === 0);
  document.getElementById('next-page')!.toggleAttribute('disabled', page >= pages - 1);
  const p = position();
  const selected = { layer: state.layer, position: p >= page * PAGE && p < (page + 1) * PAGE ? p : page * PAGE };
  const table = document.getElementById('lens-grid') as HTMLTableElement;
  timings.gridMs = renderGrid(table, r, page, selected, {
    focus: (l, q) => {
      state.layer = l;
      saveState(state);
      cellInfo(r, l, q);
    },
    pick: (q) => pick(q),
  }, computed);
  cellInfo(r, selected.layer, selected.position);
  // the picked position (by default the last) may sit far right of what fits: bring it into view
  scrollToPosition(document.getElementById('lens-wrap')!, table, selected.position);
  document.body.dataset.position = String(p);
  document.body.dataset.lensComplete = String(computed.every((c) => c === 1));
  void fillPage();
}

function cellInfo(r: LensResult, layer: number, q: number): void {
  const box = document.getElementById('cell-info')!;
  if (computed[q]) renderCellInfo(box, r, layer, q);
  else box.textContent = `Position ${q}: computing…`;
}

/** Asks the engine for this page's positions that are not computed yet (one range), then draws them. */
async function fillPage(): Promise<void> {
  if (!view) return;
  const r = view.result;
  let from = page * PAGE;
  let to = Math.min(r.positions, from + PAGE);
  while (from < to && computed[from]) from++;
  while (to > from && computed[to - 1]) to--;
  const key = `${r.runId}:${from}:${to}`;
  if (from >= to || pending.has(key)) return;
  pending.add(key);
  let part: LensPageResult;
  try {
    part = await host.call('page', { runId: r.runId, from, to, topK: r.topK });
  } catch (error) {
    setNotices([...(r.truncation ? [r.truncation.reason] : []), (error as Error).message]);
    return;
  } finally {
    pending.delete(key);
  }
  if (view?.result !== r) return; // another run arrived meanwhile
  mergePage(r, part);
  computed.fill(1, part.from, part.to);
  render();
  const p = position();
  if (p >= part.from && p < part.to) void traceTarget(); // its KL and entropy columns were not there yet
}

/** Writes a page's [layer, to − from, …] values into the result's full [layer, positions, …] arrays. */
function mergePage(r: LensResult, part: LensPageResult): void {
  const P = part.to - part.from;
  const k = r.topK;
  for (let l = 0; l < r.layers.length; l++) {
    r.topIds.set(part.topIds.subarray(l * P * k, (l + 1) * P * k), (l * r.positions + part.from) * k);
    r.topProbs.set(part.topProbs.subarray(l * P * k, (l + 1) * P * k), (l * r.positions + part.from) * k);
    r.klToFinal.set(part.klToFinal.subarray(l * P, (l + 1) * P), l * r.positions + part.from);
    r.entropyBits.set(part.entropyBits.subarray(l * P, (l + 1) * P), l * r.positions + part.from);
  }
  Object.assign(r.tokenTexts, part.tokenTexts);
}

function pick(p: number): void {
  if (!view) return;
  state.position = p === view.result.positions - 1 ? -1 : p;
  saveState(state);
  document.body.dataset.position = String(p);
  for (const td of document.querySelectorAll<HTMLElement>('#lens-grid .lens-cell')) td.classList.toggle('picked', td.dataset.position === String(p));
  // the text about the position follows the click at once, not only when the trace comes back
  cellInfo(view.result, state.layer, p);
  void traceTarget();
}

function setTargetNote(text: string | null): void {
  const note = document.getElementById('target-note')!;
  note.hidden = !text;
  note.textContent = text ?? '';
}

async function traceTarget(): Promise<void> {
  if (!view) return;
  const r = view.result;
  const p = position();
  const L = r.layers.length;
  const outTop = r.topIds[((L - 1) * r.positions + p) * r.topK];
  const typed = state.target.trim() === '' ? undefined : state.target;
  const title = document.getElementById('target-title')!;
  const where = `after position ${p} “${visibleToken(r.tokens[p].text)}”`;
  if (!trace || !title.textContent?.endsWith(where)) title.textContent = `Target ${where}`;
  if (!computed[p]) return; // the output's top token is not known yet: fillPage traces it when the page arrives
  try {
    trace = await host.call('target', { runId: r.runId, position: p, target: typed ?? outTop });
    if (position() !== p) return; // the user picked another position meanwhile
    // a typed text of several tokens is traced by its first: say so, and which one
    setTargetNote(typed === undefined ? null : lensTargetNote(typed, trace.pieces));
    title.textContent = `Target “${visibleToken(trace.targetText)}” (id ${trace.targetId}) ${where}`;
    timings.targetChartMs = chart.draw({ labels: r.layers.map(shortLayer), probs: trace.probs, ranks: trace.ranks });
    renderTrace(document.getElementById('trace-table') as HTMLTableElement, r, p, trace);
    document.body.dataset.target = String(trace.targetId);
    document.body.dataset.tracedPosition = String(p);
  } catch (error) {
    if (position() === p) setTargetNote((error as Error).message);
  }
}

function bind(): void {
  input.value = state.target;
  const go = () => {
    state.target = input.value;
    saveState(state);
    void traceTarget();
  };
  document.getElementById('target-form')!.addEventListener('submit', (e) => {
    e.preventDefault();
    go();
  });
  document.getElementById('target-go')!.addEventListener('click', go);
  document.getElementById('prev-page')!.addEventListener('click', () => {
    page--;
    render();
  });
  document.getElementById('next-page')!.addEventListener('click', () => {
    page++;
    render();
  });
}

bind();
onThemeChange(() => {
  render();
  if (trace && view) timings.targetChartMs = chart.draw({ labels: view.result.layers.map(shortLayer), probs: trace.probs, ranks: trace.ranks });
});
setState('loading');
