// Fit Cross-Modal Map panel: retrieval@1 and @5 of held-out classes' tokens per source layer
// (ridge, Procrustes, each against the same fit on shuffled pairs, and chance), among every
// class's token or among the held-out classes' only, and the held-out classes' nearest tokens.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { connectToHost } from '../shared/rpcClient';
import { onThemeChange } from '../shared/theme';
import { el } from '../shared/dom';
import { frameHandlers, panelChrome, setNotices, setPanelState, setSubtitle } from '../shared/panelFrame';
import { RetrievalChart } from './retrievalChart';
import { renderHeldOutTable } from './heldOutTable';
import type { CrossModalHostApi, CrossModalPanelApi, CrossModalView } from '../../src/protocol/crossModalPanel';

const candidates = el('select', { id: 'candidates' }, [el('option', { value: 'all' }, ['every class’s token']), el('option', { value: 'held-out' }, ['the held-out classes’ tokens only'])]) as HTMLSelectElement;
document.getElementById('app')!.replaceChildren(
  ...panelChrome('Cross-modal map', () => void host.call('retry', {})),
  el('div', { id: 'content', hidden: true }, [
    el('section', { 'aria-label': 'retrieval per layer' }, [
      el('h2', {}, ['Retrieval of held-out classes per source layer']),
      el('p', { className: 'muted', id: 'about' }),
      el('label', {}, ['Candidates: ', candidates]),
      el('p', { className: 'muted', id: 'candidates-help' }),
      el('div', { className: 'row' }, [
        el('div', { className: 'chart-box' }, [el('canvas', { id: 'chart-at1', role: 'img', 'aria-label': 'retrieval@1 against source layer: ridge, Procrustes, shuffled pairs, chance' })]),
        el('div', { className: 'chart-box' }, [el('canvas', { id: 'chart-at5', role: 'img', 'aria-label': 'retrieval@5 against source layer: ridge, Procrustes, shuffled pairs, chance' })]),
      ]),
      el('table', { id: 'layers' }),
    ]),
    el('section', { 'aria-label': 'held-out classes' }, [
      el('h2', { id: 'table-title' }, ['Held-out classes']),
      el('div', { id: 'table' }),
    ]),
  ]),
);

let view: CrossModalView | undefined;
const charts = { at1: new RetrievalChart(document.getElementById('chart-at1') as HTMLCanvasElement, 'at1'), at5: new RetrievalChart(document.getElementById('chart-at5') as HTMLCanvasElement, 'at5') };

const host = connectToHost<CrossModalPanelApi, CrossModalHostApi>({
  ...frameHandlers(() => document.getElementById('content')!),
  show: (v) => {
    view = v;
    render();
    return null;
  },
});

const pct = (v: number | undefined) => (v === undefined ? '' : `${(100 * v).toFixed(1)} %`);

function render(): void {
  if (!view) return;
  const r = view.result;
  const c = r.counts;
  const heldOut = candidates.value === 'held-out';
  setSubtitle(`${r.from} → ${r.to} · ${c.samples} ${r.source.modality === 'image' ? 'images' : 'sounds'}, ${c.classes} classes: fitted on ${c.trainClasses}, tested on ${c.testClasses} (seed ${r.split.seed}) · ${(r.ms / 1000).toFixed(1)} s`);
  setNotices(r.layers.filter((l) => l.note).map((l) => `Layer ${l.layer} (${l.label}): ${l.note}.`));
  document.getElementById('about')!.textContent =
    `Source: ${r.source.embedding} of ${r.from} (d ${r.source.dModel}), from ${r.source.pairs}. Target: ${r.to}'s input-embedding row of each class's text (d ${r.target.dModel})` +
    `${r.target.multiToken.length ? `; the mean of the rows for ${r.target.multiToken.join(', ')} (several tokens)` : ''}. ` +
    `Held out: ${r.split.test.join(' ')}. Ridge λ and the tabled layer are chosen by ${r.split.folds}-fold cross-validation over the training classes only; shuffled = the same fit with the class → token pairs permuted (mean of ${r.permutations}).`;
  document.getElementById('candidates-help')!.textContent = heldOut
    ? `Among the ${c.testClasses} held-out tokens only (zero-shot retrieval): chance ${pct(r.chance.heldOutRetrievalAt1)} at 1, ${pct(r.chance.heldOutRetrievalAt5)} at 5.`
    : `Among all ${r.candidates} tokens: chance ${pct(r.chance.retrievalAt1)} at 1, ${pct(r.chance.retrievalAt5)} at 5. A map fitted on the training classes pulls predictions towards their tokens, so a held-out class is rarely first here even where it generalises; switch to the held-out tokens to see whether it does.`;
  const k1 = heldOut ? 'heldOutRetrievalAt1' : 'retrievalAt1';
  const k5 = heldOut ? 'heldOutRetrievalAt5' : 'retrievalAt5';
  charts.at1.draw(r, k1, 'retrieval@1');
  charts.at5.draw(r, k5, 'retrieval@5');
  const cols = r.methods.flatMap((m) => [m, `${m} shuffled`]);
  document.getElementById('layers')!.replaceChildren(
    el('tr', {}, [el('th', {}, ['layer']), ...cols.map((h) => el('th', { className: 'num' }, [`${h} @1 / @5`])), el('th', { className: 'num' }, ['ridge λ']), el('th', { className: 'num' }, ['CV score'])]),
    ...r.layers.map((l) =>
      el('tr', { 'data-layer': l.layer }, [
        el('td', {}, [`${l.layer} ${l.label}${l.layer === r.tableLayer ? ' (tabled)' : ''}`]),
        ...r.methods.flatMap((m) => [l[m], l.shuffled[m]].map((x) => el('td', { className: 'prob' }, [x ? `${pct(x[k1])} / ${pct(x[k5])}` : '']))),
        el('td', { className: 'prob' }, [l.ridge?.lambda !== undefined ? String(l.ridge.lambda) : '']),
        el('td', { className: 'prob' }, [r.methods.map((m) => l[m]?.cvScore.toFixed(3) ?? '').join(' / ')]),
      ]),
    ),
    el('tr', {}, [el('td', {}, ['chance']), ...cols.map((_, i) => el('td', { className: 'prob' }, [i === 0 ? `${pct(r.chance[k1])} / ${pct(r.chance[k5])}` : '']))]),
  );
  const tabled = r.layers[r.tableLayer];
  document.getElementById('table-title')!.textContent = `Held-out classes at layer ${tabled.layer} (${tabled.label}, chosen by ${r.tableLayerChosenBy})`;
  document.getElementById('table')!.replaceChildren(renderHeldOutTable(r));
  document.body.dataset.layers = String(r.layers.length);
  document.body.dataset.candidates = candidates.value;
  setPanelState('drawn', document.getElementById('content')!);
}

candidates.addEventListener('change', render);
onThemeChange(render);
setPanelState('loading', document.getElementById('content')!);
