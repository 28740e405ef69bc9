// Projector panel: the 2-D scatter of the embedding matrix or the selection's hidden states, with
// a hover read-out, click → 10 nearest neighbours (cosine, input embedding), a token box, an
// analogy box (a − b + c, inputs excluded), colour by token category, a probe's prediction, file
// or layer (with a legend), search, and export.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { connectToHost } from '../shared/rpcClient';
import { onThemeChange } from '../shared/theme';
import { el } from '../shared/dom';
import { frameHandlers, panelChrome, setPanelState, setSubtitle } from '../shared/panelFrame';
import { visibleToken } from '../../src/util/format';
import { Scatter } from './scatter';
import { colouring, renderLegend, type ColourBy, type Colouring } from './legend';
import type { ProjectorChoice, ProjectorHostApi, ProjectorPanelApi, ProjectorView } from '../../src/protocol/projectorPanel';
import type { NeighbourToken, PredictResult, ProjectedPoint } from '../../src/protocol/projector';

const timings: Record<string, number> = {};
(window as unknown as { __tlTimings: Record<string, number> }).__tlTimings = timings;

// native selects take the dropdown colours (panel.css styles inputs, not selects)
const SELECT_STYLE = 'background: var(--vscode-dropdown-background); color: var(--vscode-dropdown-foreground); border: 1px solid var(--vscode-dropdown-border, var(--vscode-contrastBorder, transparent)); padding: 2px 4px';
const select = (id: string, options: [string, string][]) => el('select', { id, style: SELECT_STYLE }, options.map(([value, label]) => el('option', { value }, [label])));
const button = (id: string, label: string) => el('vscode-button', { id }, [label]);

document.getElementById('app')!.replaceChildren(
  ...panelChrome('Projector', () => void host.call('retry', {})),
  el('div', { id: 'content', hidden: true }, [
    el('div', { className: 'controls', role: 'group', 'aria-label': 'Projection' }, [
      el('label', {}, ['Source ', select('source', [['embeddings', 'input embedding matrix'], ['resid', 'selection’s hidden states'], ['patches', 'image patches (Inspect Image)']])]),
      el('label', {}, ['Layer ', el('input', { id: 'layer', type: 'number', min: 0, value: '0', style: 'width: 4em' })]),
      el('label', {}, ['Method ', select('method', [['pca', 'PCA'], ['umap', 'UMAP']])]),
      el('label', {}, ['Seed ', el('input', { id: 'seed', type: 'number', min: 0, value: '0', style: 'width: 7em' })]),
      button('run', 'Project'),
    ]),
    el('p', { id: 'variance', className: 'muted' }),
    el('div', { className: 'controls' }, [
      el('label', {}, ['Colour by ', select('colour', [['none', 'nothing'], ['category', 'token category'], ['probe', 'probe prediction'], ['file', 'source file'], ['layer', 'layer'], ['row', 'patch row'], ['column', 'patch column'], ['rollout', 'patch rollout weight']])]),
      el('label', {}, ['Search ', el('input', { id: 'search', type: 'search', placeholder: 'token text' })]),
      el('span', { id: 'search-count', className: 'muted', role: 'status' }),
      button('fit', 'Fit'),
      button('export-json', 'Export JSON'),
      button('export-csv', 'Export CSV'),
      el('span', { id: 'export-status', className: 'muted', role: 'status' }),
    ]),
    el('div', { id: 'probe-row', className: 'controls', hidden: true }, [
      el('label', {}, ['Probe ', select('probe-source', [['latest', 'last trained in this session'], ['file', 'a saved probe file…']])]),
      button('probe-go', 'Apply probe'),
    ]),
    el('p', { id: 'colour-status', className: 'muted', role: 'status' }),
    el('ul', { id: 'legend', className: 'legend', 'aria-label': 'Colour legend', hidden: true }),
    el('div', { className: 'projector-box', style: 'height: 60vh; min-height: 240px' }, [el('canvas', { id: 'scatter', style: 'width: 100%; height: 100%; display: block; touch-action: none', role: 'img', 'aria-label': 'Projected points; hover for a token, click for its neighbours', tabindex: 0 })]),
    el('p', { id: 'readout', className: 'mono', role: 'status' }, ['Hover a point for its token; click it for its 10 nearest neighbours.']),
    el('section', { 'aria-label': 'Neighbours' }, [
      el('h2', {}, ['Nearest neighbours (cosine, input embedding)']),
      el('div', { className: 'controls' }, [el('input', { id: 'token', type: 'text', placeholder: 'a token, e.g. def' }), button('token-go', 'Neighbours')]),
      el('p', { id: 'neighbours-title', className: 'muted' }),
      el('table', { id: 'neighbours' }),
    ]),
    el('section', { 'aria-label': 'Analogy' }, [
      el('h2', {}, ['Analogy a − b + c']),
      el('div', { className: 'controls' }, [
        el('input', { id: 'analogy-a', type: 'text', placeholder: 'a' }), ' − ',
        el('input', { id: 'analogy-b', type: 'text', placeholder: 'b' }), ' + ',
        el('input', { id: 'analogy-c', type: 'text', placeholder: 'c' }),
        button('analogy-go', 'Solve'),
      ]),
      el('p', { id: 'analogy-title', className: 'muted' }),
      el('table', { id: 'analogy' }),
    ]),
  ]),
);

let view: ProjectorView | undefined;
let selected: number | undefined;
let neighbourIds = new Set<number>();
/** the shown points' probe prediction, and what the last attempt at one said */
let prediction: PredictResult | undefined;
let probeMessage = '';
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const scatter = new Scatter($<HTMLCanvasElement>('scatter'), (i) => showReadout(i), (i) => void pointNeighbours(i));
(window as unknown as { __tlScatter: Scatter }).__tlScatter = scatter;

const frame = frameHandlers(() => $('content'));
const host = connectToHost<ProjectorPanelApi, ProjectorHostApi>({
  ...frame,
  show: (v) => {
    view = v;
    selected = undefined;
    neighbourIds = new Set();
    prediction = undefined;
    probeMessage = '';
    render();
    if (colourBy() === 'probe') void applyProbe(false);
    return null;
  },
});

function render(): void {
  if (!view) return;
  const t0 = performance.now();
  const r = view.result;
  const where = !view.source ? '' : r.source === 'patches' ? ` · ${view.source.fileName}` : ` · ${view.source.fileName}:${view.source.line}`;
  setSubtitle(`${r.model} · ${r.hook ?? 'input embedding'}${where} · ${r.points.length.toLocaleString('en-US')} of ${r.totalPoints.toLocaleString('en-US')} points · ${r.dims} dims · ${r.method.toUpperCase()} · ${r.ms.toFixed(0)} ms`);
  // the patches source exists only for a projection Inspect Image opened
  const patches = view.choice.source === 'patches';
  for (const option of $<HTMLSelectElement>('source').options) if (option.value === 'patches') option.hidden = !patches;
  for (const option of $<HTMLSelectElement>('colour').options) if (['row', 'column', 'rollout'].includes(option.value)) option.hidden = !patches;
  if (patches && $<HTMLSelectElement>('colour').value === 'none') $<HTMLSelectElement>('colour').value = 'rollout';
  $<HTMLSelectElement>('source').value = view.choice.source;
  $<HTMLInputElement>('layer').value = String(view.choice.layer);
  $<HTMLInputElement>('layer').max = String(Math.max(0, view.nLayers - 1));
  $<HTMLSelectElement>('method').value = view.choice.method;
  $<HTMLInputElement>('seed').value = String(view.choice.seed);
  $('variance').textContent = r.explainedVariance
    ? `Explained variance: ${r.explainedVariance.slice(0, 5).map((v, i) => `PC${i + 1} ${(100 * v).toFixed(1)}%`).join(', ')} (${r.pcaAlgorithm})`
    : 'UMAP (seeded): distances between clusters carry little meaning; neighbourhoods do.';
  setPanelState('drawn', $('content'));
  scatter.setPoints(r.points);
  restyle();
  showReadout(undefined);
  timings.drawnMs = performance.now() - t0;
}

/** colour groups, search hits and neighbours → the scatter's style */
function restyle(): void {
  if (!view) return;
  const points = view.result.points;
  const by = colourBy();
  $('probe-row').hidden = by !== 'probe';
  const c = colouring(points, by, prediction);
  renderLegend($('legend'), c.legend);
  $('colour-status').textContent = colourStatus(by, c);
  const q = $<HTMLInputElement>('search').value;
  const hits = new Set<number>();
  if (q) points.forEach((p, i) => { if (p.text.includes(q)) hits.add(i); });
  $('search-count').textContent = q ? `${hits.size.toLocaleString('en-US')} match${hits.size === 1 ? '' : 'es'}` : '';
  for (const i of neighbourPointIndices()) hits.add(i);
  scatter.setStyle({ groups: c.groups, colours: c.colours, highlighted: hits, selected });
}

const colourBy = () => $<HTMLSelectElement>('colour').value as ColourBy;

/** a probe reads hidden states at one layer: nothing else can be coloured by it */
const NOT_RESID = 'Probe prediction reads hidden states: choose Source “selection’s hidden states” at the probe’s layer and press Project.';

/** one line under the controls: why a colouring shows nothing, or what it shows */
function colourStatus(by: ColourBy, c: Colouring): string {
  if (!view) return '';
  if (by === 'category' && c.legend.every((row) => row.label === '(none)')) return 'Token category comes from the built-in TypeScript/JavaScript tagger; these points are not from a TS or JS file.';
  if (by !== 'probe') return '';
  if (view.result.source !== 'resid') return NOT_RESID;
  if (probeMessage) return probeMessage;
  return prediction ? `Predicted by the ${prediction.dataset} probe on ${prediction.hook}.` : 'Choose a probe and press Apply probe.';
}

/** asks the engine (through the host) for the probe's label of every shown point */
async function applyProbe(explicit: boolean): Promise<void> {
  if (!view || view.result.source !== 'resid') return restyle();
  const probe = $<HTMLSelectElement>('probe-source').value as 'latest' | 'file';
  if (!explicit && probe === 'file') return restyle(); // a file dialog opens only when asked for
  probeMessage = 'Applying the probe…';
  restyle();
  try {
    const r = await host.call('predict', { probe });
    if (r) prediction = r;
    probeMessage = r || prediction ? '' : 'No probe chosen.';
  } catch (error) {
    prediction = undefined;
    probeMessage = (error as Error).message;
  }
  restyle();
}

/** the points whose token is one of the listed neighbours */
function neighbourPointIndices(): number[] {
  if (!view || neighbourIds.size === 0) return [];
  const out: number[] = [];
  view.result.points.forEach((p, i) => { if (neighbourIds.has(p.id)) out.push(i); });
  return out;
}

function describe(p: ProjectedPoint, i: number): string {
  const where = p.file !== undefined ? ` · ${p.file}:${p.line} · position ${p.position}` : '';
  if (p.patch) return `patch row ${p.patch.row}, column ${p.patch.col} · rollout ${p.patch.rollout.toFixed(3)}${p.layer !== undefined ? ` · after block ${p.layer}` : ''}`;
  const category = p.category !== undefined ? ` · ${p.category}` : '';
  const predicted = prediction ? ` · probe: ${prediction.labels[prediction.label[i]]} (${(100 * prediction.confidence[i]).toFixed(0)}%)` : '';
  return `${visibleToken(p.text)} · id ${p.id}${where}${p.layer !== undefined ? ` · layer ${p.layer}` : ''}${category}${predicted}`;
}

function showReadout(i: number | undefined): void {
  if (!view) return;
  const p = i === undefined ? undefined : view.result.points[i];
  const hint = view.result.source === 'patches' ? 'Hover a point for its patch.' : 'Hover a point for its token; click it for its 10 nearest neighbours.';
  $('readout').textContent = p ? describe(p, i!) : selected !== undefined ? describe(view.result.points[selected], selected) : hint;
}

function table(id: string, rows: NeighbourToken[]): void {
  const head = el('tr', {}, [el('th', { scope: 'col', className: 'num' }, ['rank']), el('th', { scope: 'col' }, ['token']), el('th', { scope: 'col', className: 'num' }, ['id']), el('th', { scope: 'col', className: 'num' }, ['cosine'])]);
  $(id).replaceChildren(el('thead', {}, [head]), el('tbody', {}, rows.map((n) => el('tr', {}, [el('td', { className: 'num' }, [String(n.rank)]), el('td', { className: 'mono' }, [visibleToken(n.text)]), el('td', { className: 'num' }, [String(n.id)]), el('td', { className: 'num' }, [n.cosine.toFixed(4)])]))));
}

async function neighbours(token: string | number): Promise<void> {
  try {
    const r = await host.call('neighbours', { token, k: 10 });
    $('neighbours-title').textContent = `Nearest to ${visibleToken(r.query.text)} (id ${r.query.id}):`;
    table('neighbours', r.neighbours);
    neighbourIds = new Set(r.neighbours.map((n) => n.id));
  } catch (error) {
    $('neighbours-title').textContent = (error as Error).message;
    $('neighbours').replaceChildren();
    neighbourIds = new Set();
  }
  restyle();
}

async function pointNeighbours(i: number): Promise<void> {
  selected = i;
  showReadout(i);
  if (view!.result.source === 'patches') return restyle(); // a patch is no token of the text model: no vocabulary neighbours
  await neighbours(view!.result.points[i].id);
}

async function solveAnalogy(): Promise<void> {
  const [a, b, c] = ['a', 'b', 'c'].map((k) => $<HTMLInputElement>(`analogy-${k}`).value);
  try {
    const r = await host.call('analogy', { a, b, c, k: 10 });
    const [ta, tb, tc] = r.inputs.map((t) => visibleToken(t.text));
    $('analogy-title').textContent = `${ta} − ${tb} + ${tc} (inputs excluded):`;
    table('analogy', r.answers);
  } catch (error) {
    $('analogy-title').textContent = (error as Error).message;
    $('analogy').replaceChildren();
  }
}

function choice(): ProjectorChoice {
  const int = (id: string) => Math.max(0, Math.floor(Number($<HTMLInputElement>(id).value) || 0));
  return { source: $<HTMLSelectElement>('source').value as ProjectorChoice['source'], layer: int('layer'), method: $<HTMLSelectElement>('method').value as ProjectorChoice['method'], seed: int('seed') };
}

$('run').addEventListener('click', () => void host.call('project', choice()));
$('fit').addEventListener('click', () => scatter.fit());
$('colour').addEventListener('change', () => (colourBy() === 'probe' && !prediction ? void applyProbe(false) : restyle()));
$('probe-go').addEventListener('click', () => void applyProbe(true));
$('search').addEventListener('input', restyle);
$('token-go').addEventListener('click', () => void neighbours($<HTMLInputElement>('token').value));
$('token').addEventListener('keydown', (e) => { if (e.key === 'Enter') void neighbours($<HTMLInputElement>('token').value); });
$('analogy-go').addEventListener('click', () => void solveAnalogy());
for (const format of ['json', 'csv'] as const) {
  $(`export-${format}`).addEventListener('click', async () => {
    try {
      const r = await host.call('export', { format });
      $('export-status').textContent = r ? `Saved ${r.path}` : '';
    } catch (error) {
      $('export-status').textContent = (error as Error).message;
    }
  });
}
// keyboard: arrows pan, +/− zoom, for users without a wheel
$('scatter').addEventListener('keydown', (e) => {
  const step = 40;
  const moves: Record<string, () => void> = {
    ArrowLeft: () => scatter.pan(step, 0), ArrowRight: () => scatter.pan(-step, 0), ArrowUp: () => scatter.pan(0, step), ArrowDown: () => scatter.pan(0, -step),
    '+': () => scatter.zoom(1.25), '=': () => scatter.zoom(1.25), '-': () => scatter.zoom(0.8),
  };
  const move = moves[e.key];
  if (move) { e.preventDefault(); move(); }
});
onThemeChange(restyle); // the scatter reads the --vscode-* colours on every draw
setPanelState('loading', $('content'));
