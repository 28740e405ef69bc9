// Next-token panel. Renormalises with temperature / top-k / top-p locally (no forward pass),
// fetches other positions' logits on demand, and asks the host for continuations.
// Every piece of token text goes into the DOM through textContent, never as HTML.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { connectToHost } from '../shared/rpcClient';
import { loadState, saveState } from '../shared/vscodeApi';
import { onThemeChange } from '../shared/theme';
import { BarChart } from './barChart';
import { el } from '../shared/dom';
import { frameHandlers, panelChrome, setNotices, setPanelState, setSubtitle } from '../shared/panelFrame';
import { renderChips, renderContinuations, renderTable, samplingLabel, type Row } from './dom';
import { filterDistribution, rankOf } from '../../src/util/distribution';
import { panelToken } from '../shared/tokenGlyphs';
import { firstPosition, highlightedId, isCausal, positionInfo, tableTitle } from './objective';
import type { NextTokenHostApi, NextTokenPanelApi, NextTokenView } from '../../src/protocol/nextTokenPanel';
import type { Candidate, GenerateParams } from '../../src/protocol/engine';

interface UiState {
  v: number;
  temperature: number;
  topK: number;
  topP: number;
  seed: number;
  count: number;
}

// topK 0 = no top-k filter; the table always lists up to the tensorloupe.topK setting's count.
const state = loadState<UiState>(1, { v: 1, temperature: 1, topK: 0, topP: 1, seed: 42, count: 3 });
const timings: Record<string, number> = {};
(window as unknown as { __tlTimings: Record<string, number> }).__tlTimings = timings;

/** One row of the controls grid: label, control, value read-out (aligned in three columns). */
function controlRow(id: string, label: string, control: HTMLElement, hint: string): HTMLElement[] {
  control.id = id;
  control.setAttribute('aria-describedby', `${id}-hint`);
  return [el('label', { htmlFor: id }, [label]), control, el('output', { id: `${id}-value`, htmlFor: id }), el('span', { id: `${id}-hint`, className: 'muted hint' }, [hint])];
}

const content = el('div', { id: 'content', hidden: true }, [
  el('section', { id: 'tokens-section', 'aria-label': 'Tokens of the selection' }, [
    el('h2', {}, ['Tokens ', el('span', { className: 'muted' }, ['(click one to see what the model expected after it; ← → to move; ␣ space, ↵ line break, ⇥ tab)'])]),
    el('div', { id: 'chips', role: 'listbox', tabIndex: 0 }),
    el('p', { id: 'position-info', className: 'muted' }),
  ]),
  el('section', { id: 'controls', 'aria-label': 'Sampling distribution' }, [
    el('h2', {}, ['Sampling distribution ', el('span', { className: 'muted' }, ['(reshapes the chart and the table, and is what Sample draws from)'])]),
    el('div', { className: 'control-grid' }, [
      ...controlRow('temperature', 'Temperature', el('input', { type: 'range', min: '0.05', max: '3', step: '0.05' }), '1 = the model’s own'),
      ...controlRow('topk-control', 'Sample from top k', el('input', { type: 'number', min: '0', max: '100', step: '1' }), '0 = all tokens'),
      ...controlRow('topp', 'Sample from top p', el('input', { type: 'range', min: '0.05', max: '1', step: '0.01' }), '1 = all tokens'),
    ]),
  ]),
  el('p', { id: 'entropy' }),
  el('h2', { id: 'topk-title' }, ['Most probable next tokens ', el('span', { id: 'topk-count', className: 'muted' })]),
  el('div', { id: 'chart-box' }, [el('canvas', { id: 'chart', role: 'img', 'aria-label': 'Bar chart of next-token probabilities' })]),
  el('table', { id: 'topk', 'aria-labelledby': 'topk-title' }, [
    el('thead', {}, [el('tr', {}, ['rank', 'token', 'prob', 'logit', 'id'].map((h) => el('th', { scope: 'col', className: h === 'token' ? '' : 'num' }, [h])))]),
    el('tbody'),
  ]),
  el('div', { className: 'row', id: 'why-row' }, [
    el('label', { className: 'inline' }, ['candidate ', el('select', { id: 'why-token', 'aria-label': 'candidate to explain' })]),
    el('vscode-button', { id: 'why', secondary: true, title: 'Split this candidate\'s logit after the last token into the embedding, every head and every MLP' }, ['Why this token?']),
  ]),
  el('section', { id: 'generate', 'aria-label': 'Continuations' }, [
    el('h2', {}, ['Continue']),
    el('div', { className: 'row' }, [
      el('vscode-button', { id: 'greedy' }, ['Greedy continuation']),
      el('vscode-button', { id: 'sample', secondary: true }, ['Sample']),
      el('label', { className: 'inline' }, ['N', el('input', { id: 'count', type: 'number', min: '1', max: '16' })]),
      el('label', { className: 'inline' }, ['seed', el('input', { id: 'seed', type: 'number', min: '0' })]),
      el('label', { className: 'inline' }, ['tokens', el('input', { id: 'max-new', type: 'number', min: '1', max: '256', value: '24' })]),
    ]),
    el('p', { id: 'continuations-note', className: 'muted' }),
    el('ol', { id: 'continuations' }),
  ]),
]);
document.getElementById('app')!.replaceChildren(...panelChrome('Next token', () => void host.call('retry', {})), content);

const chart = new BarChart(document.getElementById('chart') as HTMLCanvasElement);
const input = (id: string) => document.getElementById(id) as HTMLInputElement;
let view: NextTokenView | undefined;
let position = -1;
let logits: Float32Array | undefined;
let candidates: Candidate[] = [];

const host = connectToHost<NextTokenPanelApi, NextTokenHostApi>({
  ...frameHandlers(() => content),
  show: (v) => {
    timings.showReceived = performance.now();
    view = v;
    renderView();
    timings.drawn = performance.now();
    return null;
  },
});

function renderView(): void {
  if (!view) return;
  const r = view.result;
  setSubtitle(`${r.model.name} · ${view.source.fileName}:${view.source.line} · ${r.tokens.length} tokens · forward ${r.forwardMs.toFixed(1)} ms · ${r.model.provider}`);
  setNotices([r.truncation?.reason, r.model.providerFallback ? r.model.providerNote : undefined].filter((n): n is string => Boolean(n)));
  renderChips(document.getElementById('chips')!, r, (i) => void selectPosition(i));
  document.getElementById('continuations')!.replaceChildren();
  document.getElementById('continuations-note')!.textContent = '';
  // masked LMs and classifiers: their own title, no continuations (objective.ts)
  document.getElementById('topk-title')!.firstChild!.textContent = tableTitle(r);
  document.getElementById('generate')!.hidden = !isCausal(r);
  setPanelState('drawn', content);
  void selectPosition(firstPosition(r));
}

async function selectPosition(i: number): Promise<void> {
  if (!view) return;
  const r = view.result;
  position = i;
  document.body.dataset.position = String(i);
  for (const chip of document.querySelectorAll<HTMLElement>('#chips .chip')) {
    const selected = Number(chip.dataset.index) === i;
    chip.classList.toggle('selected', selected);
    chip.setAttribute('aria-selected', String(selected));
  }
  if (i === firstPosition(r) && r.objective !== 'token-classification') {
    logits = r.lastLogits;
    candidates = r.next;
  } else {
    try {
      const res = await host.call('position', { runId: r.runId, position: i, topK: 100 });
      if (position !== i) return; // the user moved on meanwhile
      logits = res.logits;
      candidates = res.top;
    } catch (error) {
      document.getElementById('position-info')!.textContent = (error as Error).message;
      return;
    }
  }
  const info = document.getElementById('position-info')!;
  info.textContent = !isCausal(r)
    ? positionInfo(r, i)
    : i + 1 < r.tokens.length
    ? `After “${panelToken(r.tokens[i].text)}” the text continues with “${panelToken(r.tokens[i + 1].text)}”: rank ${rankOf(logits!, r.tokens[i + 1].id)}, p = ${r.stats.nextProb[i].toFixed(4)}, ${r.stats.nextBits[i].toFixed(2)} bits.`
    : `Distribution after the last token “${panelToken(r.tokens[i].text)}”, i.e. the next token of the selection.`;
  redraw();
}

function redraw(): void {
  if (!view || !logits) return;
  const dist = filterDistribution(logits, { temperature: state.temperature, topK: state.topK, topP: state.topP });
  const shown = Math.min(view.topK, dist.nucleusSize, candidates.length);
  const actualId = highlightedId(view.result, position);
  const rows: Row[] = candidates.slice(0, shown).map((c) => ({ ...c, prob: dist.probs[c.id], highlighted: c.id === actualId }));
  renderTable(document.querySelector('#topk tbody')!, rows);
  const why = document.getElementById('why-token') as HTMLSelectElement;
  why.replaceChildren(...rows.map((r) => el('option', { value: String(r.id) }, [`${panelToken(r.text)} (#${r.id})`])));
  document.getElementById('topk-count')!.textContent = `(top ${rows.length}: setting tensorloupe.topK = ${view.topK}${shown < view.topK ? `, and the sampling distribution keeps ${dist.nucleusSize}` : ''})`;
  chart.draw(rows.map((r) => ({ label: panelToken(r.text), value: r.prob, highlighted: r.highlighted })));
  const h = dist.entropyBits;
  document.getElementById('entropy')!.textContent =
    `entropy ${h.toFixed(3)} bits · perplexity ${(2 ** h).toFixed(2)} · nucleus ${dist.nucleusSize} tokens · T = ${state.temperature.toFixed(2)}`;
}

function bindControls(): void {
  const t = input('temperature');
  const k = input('topk-control');
  const p = input('topp');
  t.value = String(state.temperature);
  k.value = String(state.topK);
  p.value = String(state.topP);
  input('seed').value = String(state.seed);
  input('count').value = String(state.count);
  const sync = () => {
    state.temperature = clamp(Number(t.value), 0.05, 3);
    state.topK = Math.round(clamp(Number(k.value), 0, 100));
    state.topP = clamp(Number(p.value), 0.05, 1);
    state.seed = Math.round(clamp(Number(input('seed').value), 0, 2 ** 31 - 1));
    state.count = Math.round(clamp(Number(input('count').value), 1, 16));
    document.getElementById('temperature-value')!.textContent = state.temperature.toFixed(2);
    document.getElementById('topk-control-value')!.textContent = state.topK === 0 ? 'all' : String(state.topK);
    document.getElementById('topp-value')!.textContent = state.topP.toFixed(2);
    saveState(state);
    redraw();
  };
  for (const e of [t, k, p, input('seed'), input('count')]) e.addEventListener('input', sync);
  sync();
  document.getElementById('greedy')!.addEventListener('click', () => void generate('greedy'));
  document.getElementById('why')!.addEventListener('click', () => {
    const id = Number((document.getElementById('why-token') as HTMLSelectElement).value);
    if (Number.isInteger(id)) void host.call('whyToken', { id });
  });
  document.getElementById('sample')!.addEventListener('click', () => void generate('sample'));
}

async function generate(mode: GenerateParams['mode']): Promise<void> {
  if (!view) return;
  const list = document.getElementById('continuations')!;
  list.replaceChildren(el('li', { className: 'muted' }, ['Generating…']));
  document.getElementById('continuations-note')!.textContent = '';
  try {
    const res = await host.call('generate', {
      runId: view.result.runId,
      mode,
      count: state.count,
      maxNewTokens: Math.round(clamp(Number(input('max-new').value), 1, 256)),
      temperature: state.temperature,
      topK: state.topK,
      topP: state.topP,
      seed: state.seed,
    });
    renderContinuations(list, res);
    document.getElementById('continuations-note')!.textContent = `${samplingLabel(res.sampling)}.`;
  } catch (error) {
    list.replaceChildren(el('li', { className: 'error-text' }, [(error as Error).message]));
  }
}

function clamp(v: number, min: number, max: number): number {
  return Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : min;
}

bindControls();
onThemeChange(redraw);
setPanelState('loading', content);
