// Induction-scan panel: layers × heads heatmaps of induction, duplicate-token (the issue's
// "prefix matching" field) and previous-token scores on seeded repeated random tokens, the loss on
// each copy, and the clicked head's pattern on the first sequence.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { ablateSection } from '../shared/ablateSection';
import { connectToHost } from '../shared/rpcClient';
import { loadState, saveState } from '../shared/vscodeApi';
import { onThemeChange } from '../shared/theme';
import { drawUint8Map, themeRamp } from '../shared/colorRamp';
import { el } from '../shared/dom';
import { frameHandlers, panelChrome, setNotices, setPanelState, setSubtitle, type PanelState } from '../shared/panelFrame';
import { renderHeadGrid } from './headGrid';
import { LossChart } from './lossChart';
import { INDUCTION_DEFAULTS, INDUCTION_LIMITS, type InductionHostApi, type InductionPanelApi, type InductionScanSettings, type InductionView } from '../../src/protocol/inductionPanel';

interface UiState extends InductionScanSettings {
  v: number;
  layer: number;
  head: number;
}

const state = loadState<UiState>(1, { v: 1, ...INDUCTION_DEFAULTS, layer: -1, head: -1 });
const timings: Record<string, number> = {};
(window as unknown as { __tlTimings: Record<string, number> }).__tlTimings = timings;

const numberInput = (id: string, [min, max]: readonly [number, number]) => el('input', { id, type: 'number', min: String(min), max: String(max), step: '1' });
document.getElementById('app')!.replaceChildren(
  ...panelChrome('Induction heads', () => void host.call('retry', {})),
  el('form', { id: 'scan-form', className: 'row scan-form', 'aria-label': 'Scan settings' }, [
    el('label', {}, ['Block length ', numberInput('seq-len', INDUCTION_LIMITS.seqLen)]),
    el('label', {}, ['Sequences ', numberInput('batch', INDUCTION_LIMITS.batch)]),
    el('label', {}, ['Seed ', numberInput('seed', INDUCTION_LIMITS.seed)]),
    el('vscode-button', { id: 'scan' }, ['Scan']),
  ]),
  el('div', { id: 'content', hidden: true }, [
    el('p', { id: 'loss', className: 'loss-line' }),
    el('section', { 'aria-label': 'Scores per head' }, [
      el('h2', {}, ['Scores per head ', el('span', { className: 'muted' }, ['(click or Enter on a head; arrows move)'])]),
      el('div', { id: 'grids' }),
    ]),
    el('section', { 'aria-label': 'Selected head' }, [
      el('h2', { id: 'head-title' }, ['Head']),
      el('p', { id: 'head-scores' }),
      el('p', { id: 'pattern-note', className: 'muted' }),
      el('canvas', { id: 'pattern', className: 'pattern', role: 'img', 'aria-label': 'Attention pattern of the selected head' }),
    ]),
    el('section', { 'aria-label': 'Loss per position' }, [el('h2', {}, ['Loss per position']), el('div', { className: 'chart-box' }, [el('canvas', { id: 'loss-chart', role: 'img', 'aria-label': 'Loss per position' })])]),
    // on the editor's selection: the scan's own sequences are random tokens
    ablateSection((req) => host.call('ablate', req), () => (view ? { layer: state.layer, head: state.head } : undefined)),
  ]),
);

let view: InductionView | undefined;
let lut = themeRamp();
const lossChart = new LossChart(document.getElementById('loss-chart') as HTMLCanvasElement);
const input = (id: string) => document.getElementById(id) as HTMLInputElement;

const host = connectToHost<InductionPanelApi, InductionHostApi>({
  ...frameHandlers(() => document.getElementById('content')!),
  show: (v) => {
    view = v;
    Object.assign(state, v.settings);
    if (state.layer < 0 || state.layer >= v.result.nLayers || state.head >= v.result.nHeads) {
      state.layer = v.result.best.layer;
      state.head = v.result.best.head;
    }
    saveState(state);
    fillForm();
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
  const { result: r, settings: s } = view;
  setSubtitle(`${r.model.name} · BOS + ${s.seqLen} random tokens, repeated · ${s.batch} sequences · seed ${s.seed} · ${r.ms.toFixed(0)} ms`);
  document.getElementById('loss')!.textContent =
    `Loss on the first copy ${r.lossFirstHalf.toFixed(3)} nats, on the second ${r.lossSecondHalf.toFixed(3)} nats (${(r.lossFirstHalf - r.lossSecondHalf).toFixed(3)} lower; each copy's unpredictable first token left out). ` +
    `Best induction head: L${r.best.layer}H${r.best.head}, score ${r.best.score.toFixed(3)}.`;
  const recomputed = r.recomputedLayers ?? [];
  setNotices(recomputed.length ? [`Layers ${recomputed.join(', ')} use a fused attention op: their maps are recomputed from its Q and K.`] : []);
  setState('drawn');
  const grids = [
    { label: 'Induction (to the token after the earlier copy)', values: r.induction },
    { label: 'Duplicate token (to the earlier copy itself)', values: r.prefixMatching },
    ...(r.previousToken ? [{ label: 'Previous token', values: r.previousToken }] : []),
  ];
  document.getElementById('grids')!.replaceChildren(
    ...grids.map((g) => renderHeadGrid({ ...g, nLayers: r.nLayers, nHeads: r.nHeads }, state, (l, h) => openHead(l, h, true))),
  );
  timings.gridsMs = performance.now() - t0;
  if (r.lossPerPosition) timings.lossChartMs = lossChart.draw(r.lossPerPosition, s.seqLen);
  openHead(state.layer, state.head, false);
  timings.drawnMs = performance.now() - t0;
}

function openHead(layer: number, head: number, focus: boolean): void {
  if (!view) return;
  const r = view.result;
  state.layer = layer;
  state.head = head;
  saveState(state);
  document.body.dataset.layer = String(layer);
  document.body.dataset.head = String(head);
  for (const b of document.querySelectorAll<HTMLElement>('.head-cell')) {
    const sel = b.dataset.layer === String(layer) && b.dataset.head === String(head);
    b.classList.toggle('selected', sel);
    b.tabIndex = sel ? 0 : -1;
    if (sel && focus && b.closest('figure') === document.activeElement?.closest('figure')) b.focus();
  }
  const i = layer * r.nHeads + head;
  document.getElementById('head-title')!.textContent = `Layer ${layer}, head ${head}${r.recomputedLayers?.includes(layer) ? ' (recomputed)' : ''}`;
  document.getElementById('head-scores')!.textContent =
    `induction ${r.induction[i].toFixed(3)} · duplicate token ${r.prefixMatching[i].toFixed(3)}` + (r.previousToken ? ` · previous token ${r.previousToken[i].toFixed(3)}` : '');
  const canvas = document.getElementById('pattern') as HTMLCanvasElement;
  const S = r.patternSize ?? 0;
  canvas.hidden = !r.patterns || S === 0;
  document.getElementById('pattern-note')!.textContent = canvas.hidden
    ? 'The maps of this scan are too large to send to the panel (more than 16 MB): use a shorter block to see them.'
    : 'Pattern on the first sequence (rows: queries, columns: keys). An induction head draws a stripe one step right of the diagonal that starts where the second copy begins.';
  if (r.patterns && S) {
    const t0 = performance.now();
    drawUint8Map(canvas, r.patterns.subarray(i * S * S, (i + 1) * S * S), S, S, lut);
    timings.patternMs = performance.now() - t0;
  }
}

function fillForm(): void {
  input('seq-len').value = String(state.seqLen);
  input('batch').value = String(state.batch);
  input('seed').value = String(state.seed);
}

function scan(): void {
  const read = (id: string, [min, max]: readonly [number, number]) => Math.round(Math.min(max, Math.max(min, Number(input(id).value) || min)));
  state.seqLen = read('seq-len', INDUCTION_LIMITS.seqLen);
  state.batch = read('batch', INDUCTION_LIMITS.batch);
  state.seed = read('seed', INDUCTION_LIMITS.seed);
  saveState(state);
  fillForm();
  void host.call('scan', { seqLen: state.seqLen, batch: state.batch, seed: state.seed });
}

document.getElementById('scan-form')!.addEventListener('submit', (e) => {
  e.preventDefault();
  scan();
});
document.getElementById('scan')!.addEventListener('click', scan);
// Enter in any field scans (a form of three fields and no native submit button would not submit)
document.getElementById('scan-form')!.addEventListener('keydown', (e: KeyboardEvent) => {
  if (e.key !== 'Enter' || !(e.target instanceof HTMLInputElement)) return;
  e.preventDefault();
  scan();
});
fillForm();
onThemeChange(() => {
  lut = themeRamp();
  render();
});
setState('loading');
