// Probes panel: first the dataset's size and class counts (probe/preview) with a Train button, then
// a probe/train run — dataset size and class counts, accuracy per layer beside the
// majority baseline and the control task, selectivity per layer, the confusion matrix of a chosen
// layer, and Save Probe. Labels come from user data: they go in as text only (dom.ts el()).
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { connectToHost } from '../shared/rpcClient';
import { onThemeChange } from '../shared/theme';
import { el } from '../shared/dom';
import { frameHandlers, panelChrome, setNotices, setPanelState, setSubtitle } from '../shared/panelFrame';
import { AccuracyChart } from './accuracyChart';
import type { ProbesHostApi, ProbesPanelApi, ProbesPreview, ProbesView } from '../../src/protocol/probesPanel';
import type { ProbeTrainResult } from '../../src/protocol/probes';

const saveButton = el('vscode-button', { id: 'save-probe' }, ['Save Probe']);
const trainButton = el('vscode-button', { id: 'train' }, ['Train']);
document.getElementById('app')!.replaceChildren(
  ...panelChrome('Probes', () => void host.call('retry', {})),
  el('div', { id: 'content', hidden: true }, [
    el('section', { 'aria-label': 'dataset' }, [
      el('h2', {}, ['Dataset']),
      el('p', { id: 'dataset-size' }),
      el('table', { id: 'class-counts' }),
      el('div', { id: 'train-row', hidden: true }, [
        el('p', { className: 'muted' }, ['Training runs the model over every text and fits a probe and its control on each layer (embedding and every block).']),
        trainButton,
      ]),
    ]),
    el('section', { id: 'results', 'aria-label': 'accuracy per layer' }, [
      el('h2', {}, ['Accuracy per layer']),
      el('p', { className: 'muted' }, ['Held-out accuracy of a linear probe on each layer’s hidden states, beside the same probe trained on a control task (random labels per token type, Hewitt & Liang) and always answering the most frequent label. Selectivity = accuracy − control: high selectivity means the layer encodes the property, not just the probe memorising tokens.']),
      el('div', { className: 'chart-box' }, [el('canvas', { id: 'accuracy-chart', role: 'img', 'aria-label': 'probe accuracy, control accuracy and majority baseline against layer' })]),
      el('table', { id: 'layers' }),
    ]),
    el('section', { id: 'confusion-section', 'aria-label': 'confusion matrix' }, [
      el('h2', {}, ['Confusion matrix']),
      el('label', {}, ['Layer ', el('select', { id: 'confusion-layer' })]),
      el('p', { className: 'muted' }, ['Test examples: row = true label, column = predicted.']),
      el('table', { id: 'confusion', className: 'confusion' }),
      el('p', {}, [saveButton, ' ', el('span', { id: 'save-status', role: 'status', className: 'muted' })]),
    ]),
  ]),
);

let view: ProbesView | undefined;
const chart = new AccuracyChart(document.getElementById('accuracy-chart') as HTMLCanvasElement);
const layerSelect = document.getElementById('confusion-layer') as HTMLSelectElement;

const host = connectToHost<ProbesPanelApi, ProbesHostApi>({
  ...frameHandlers(() => document.getElementById('content')!),
  show: (v) => {
    view = v;
    fillLayerSelect(v.result);
    render();
    return null;
  },
  preview: (p) => {
    view = undefined;
    renderPreview(p);
    return null;
  },
});

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const th = (text: string, scope: 'col' | 'row' = 'col', className = '') => el('th', { scope, className }, [text]);
const td = (text: string) => el('td', { className: 'num' }, [text]);

/** the best layer by selectivity is where a saved probe is most likely to mean something */
function bestLayer(r: ProbeTrainResult): number {
  return r.layers.reduce((best, l) => (l.selectivity > best.selectivity ? l : best), r.layers[0]).layer;
}

function fillLayerSelect(r: ProbeTrainResult): void {
  const chosen = bestLayer(r);
  layerSelect.replaceChildren(...r.layers.map((l) => el('option', { value: String(l.layer), selected: l.layer === chosen }, [`${l.layer} · ${l.hook}`])));
  layerSelect.value = String(chosen);
}

const count = (n: number, what: string) => `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;

/** the dataset section, before (preview) and after training: a line of sizes and the examples per label */
function renderDataset(size: string, labels: string[], counts: Record<string, number>, phase: 'preview' | 'trained'): void {
  setNotices([]);
  setPanelState('drawn', document.getElementById('content')!);
  document.body.dataset.phase = phase;
  document.getElementById('dataset-size')!.textContent = size;
  document.getElementById('class-counts')!.replaceChildren(
    el('thead', {}, [el('tr', {}, [th('label'), th('examples', 'col', 'num')])]),
    el('tbody', {}, labels.map((label) => el('tr', { 'data-label': label }, [th(label, 'row'), td((counts[label] ?? 0).toLocaleString('en-US'))]))),
  );
  document.getElementById('train-row')!.hidden = phase !== 'preview';
  document.getElementById('results')!.hidden = phase !== 'trained';
  document.getElementById('confusion-section')!.hidden = phase !== 'trained';
}

function renderPreview({ preview: p, datasetLabel }: ProbesPreview): void {
  setSubtitle(`${p.model} · ${datasetLabel} · ${p.task}-level · not trained yet`);
  const texts = p.files === undefined ? count(p.texts, p.task === 'sequence' ? 'row' : 'text') : `${count(p.texts, 'text')} cut from ${count(p.files, 'file')}`;
  const examples = p.task === 'token' ? count(p.examples, 'labelled token') : count(p.examples, 'example');
  renderDataset(`${texts}, ${count(p.tokens, 'token')}, ${examples}, ${count(p.labels.length, 'label')}.`, p.labels, p.counts, 'preview');
}

function render(): void {
  if (!view) return;
  const r = view.result;
  setSubtitle(`${r.model} · ${view.datasetLabel} · ${r.task}-level · ${r.ms.toFixed(0)} ms`);
  const examples = r.split.train + r.split.validation + r.split.test;
  renderDataset(`${r.texts} texts, ${examples} examples (train ${r.split.train} · validation ${r.split.validation} · test ${r.split.test}), ${r.labels.length} labels.`, r.labels, r.counts, 'trained');
  chart.draw(r);
  document.getElementById('layers')!.replaceChildren(
    el('thead', {}, [el('tr', {}, [th('layer'), th('hook'), th('accuracy', 'col', 'num'), th('control', 'col', 'num'), th('selectivity', 'col', 'num'), th('macro-F1', 'col', 'num'), th('majority', 'col', 'num')])]),
    el(
      'tbody',
      {},
      r.layers.map((l) =>
        el('tr', { 'data-layer': String(l.layer), 'data-accuracy': String(l.accuracy), 'data-control': String(l.controlAccuracy), 'data-selectivity': String(l.selectivity) }, [
          th(String(l.layer), 'row'),
          el('td', {}, [l.hook]),
          td(pct(l.accuracy)),
          td(pct(l.controlAccuracy)),
          td(`${(100 * l.selectivity).toFixed(1)} pt`),
          td(l.macroF1.toFixed(3)),
          td(pct(r.majorityBaseline)),
        ]),
      ),
    ),
  );
  renderConfusion(r);
}

function renderConfusion(r: ProbeTrainResult): void {
  const layer = r.layers.find((l) => String(l.layer) === layerSelect.value) ?? r.layers[0];
  const k = r.labels.length;
  const max = Math.max(1, ...layer.confusion);
  document.getElementById('confusion')!.replaceChildren(
    el('thead', {}, [el('tr', {}, [th('true \\ predicted'), ...r.labels.map((label) => th(label))])]),
    el(
      'tbody',
      {},
      r.labels.map((label, i) =>
        el('tr', {}, [
          th(label, 'row'),
          ...r.labels.map((_, j) => {
            const n = layer.confusion[i * k + j];
            const cell = td(String(n));
            // the diagonal (correct) in the theme's accent; other cells shaded by count (no fill in high contrast: media/panel.css)
            cell.className = `num ${i === j ? 'diag' : ''}`;
            cell.style.setProperty('--share', String(n / max));
            return cell;
          }),
        ]),
      ),
    ),
  );
  document.body.dataset.confusionLayer = String(layer.layer);
}

layerSelect.addEventListener('change', () => view && renderConfusion(view.result));
trainButton.addEventListener('click', () => void host.call('train', {}));
saveButton.addEventListener('click', () => {
  if (!view) return;
  const status = document.getElementById('save-status')!;
  const layer = Number(layerSelect.value);
  status.textContent = '';
  host.call('save', { layer }).then(
    (saved) => {
      status.textContent = saved ? `Saved the layer ${layer} probe to ${saved.path} (${saved.bytes} bytes).` : '';
    },
    (e: unknown) => {
      status.textContent = `Could not save: ${e instanceof Error ? e.message : String(e)}`;
    },
  );
});
onThemeChange(render);
setPanelState('loading', document.getElementById('content')!);
