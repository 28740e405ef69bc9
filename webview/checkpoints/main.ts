// Compare Checkpoints panel: the induction score, the loss on each copy of repeated random tokens,
// the ICL score and each layer's CKA to the final checkpoint, against the training step; a slider
// scrubs the per-head induction grid through training.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { connectToHost } from '../shared/rpcClient';
import { onThemeChange } from '../shared/theme';
import { el } from '../shared/dom';
import { frameHandlers, panelChrome, setNotices, setPanelState, setSubtitle } from '../shared/panelFrame';
import { renderHeadGrid } from '../induction/headGrid';
import { StepChart } from './stepChart';
import type { CheckpointsHostApi, CheckpointsPanelApi, CheckpointsView } from '../../src/protocol/checkpointsPanel';

document.getElementById('app')!.replaceChildren(
  ...panelChrome('Compare checkpoints', () => void host.call('retry', {})),
  el('div', { id: 'content', hidden: true }, [
    el('section', { 'aria-label': 'induction heads through training' }, [
      el('h2', {}, ['Induction heads']),
      el('label', { htmlFor: 'step-slider' }, ['Checkpoint ', el('output', { id: 'step-label' })]),
      el('input', { id: 'step-slider', type: 'range', min: 0, max: 0, value: 0, step: 1 }),
      el('div', { id: 'grid' }),
      el('div', { className: 'chart-box' }, [el('canvas', { id: 'chart-induction', role: 'img', 'aria-label': 'best induction score against training step' })]),
    ]),
    el('section', { 'aria-label': 'loss on repeated random tokens' }, [
      el('h2', {}, ['Loss on repeated random tokens']),
      el('p', { className: 'muted' }, ['The first copy is unpredictable; a model that has learned to copy predicts the second.']),
      el('div', { className: 'chart-box' }, [el('canvas', { id: 'chart-loss', role: 'img', 'aria-label': 'loss on each copy against training step' })]),
    ]),
    el('section', { id: 'icl-section', 'aria-label': 'in-context learning score' }, [
      el('h2', {}, ['In-context learning score (selection)']),
      el('p', { className: 'muted', id: 'icl-help' }),
      el('div', { className: 'chart-box' }, [el('canvas', { id: 'chart-icl', role: 'img', 'aria-label': 'ICL score against training step' })]),
    ]),
    el('section', { 'aria-label': 'CKA to the final checkpoint' }, [
      el('h2', {}, ['CKA to the final checkpoint']),
      el('p', { className: 'muted', id: 'cka-help' }),
      el('div', { className: 'chart-box' }, [el('canvas', { id: 'chart-cka', role: 'img', 'aria-label': 'linear CKA of each layer to the final checkpoint against training step' })]),
    ]),
  ]),
);

let view: CheckpointsView | undefined;
let selected = -1;
const charts = {
  induction: new StepChart(document.getElementById('chart-induction') as HTMLCanvasElement),
  loss: new StepChart(document.getElementById('chart-loss') as HTMLCanvasElement),
  icl: new StepChart(document.getElementById('chart-icl') as HTMLCanvasElement),
  cka: new StepChart(document.getElementById('chart-cka') as HTMLCanvasElement),
};
const slider = document.getElementById('step-slider') as HTMLInputElement;

const host = connectToHost<CheckpointsPanelApi, CheckpointsHostApi>({
  ...frameHandlers(() => document.getElementById('content')!),
  show: (v) => {
    view = v;
    selected = v.result.checkpoints.length - 1;
    render();
    return null;
  },
});

function render(): void {
  if (!view) return;
  const r = view.result;
  const cps = r.checkpoints;
  const steps = cps.map((c) => c.step);
  setSubtitle(`${r.model} · ${cps.length} checkpoints (steps ${steps[0]}–${steps[steps.length - 1]}) · BOS + ${r.seqLen} random tokens twice · ${r.ms.toFixed(0)} ms`);
  setNotices([]);
  setPanelState('drawn', document.getElementById('content')!);
  document.body.dataset.checkpoints = String(cps.length);
  slider.max = String(cps.length - 1);
  slider.value = String(selected);
  const marker = steps[selected];
  charts.induction.draw(steps, [{ label: 'best induction score', values: cps.map((c) => c.inductionBest) }], 'attention to the token after the earlier copy', marker);
  charts.loss.draw(steps, [{ label: 'first copy', values: cps.map((c) => c.lossFirstCopy) }, { label: 'second copy', values: cps.map((c) => c.lossSecondCopy) }], 'loss (nats)', marker);
  const icl = document.getElementById('icl-section')!;
  icl.hidden = !cps.some((c) => c.icl);
  if (r.iclWindows) document.getElementById('icl-help')!.textContent = `Mean loss over positions ${r.iclWindows.late[0]}–${r.iclWindows.late[1] - 1} minus over ${r.iclWindows.early[0]}–${r.iclWindows.early[1] - 1} (Olsson et al.'s token 500 − token 50, scaled to the selection): below 0, later tokens gain from the context.`;
  if (!icl.hidden) charts.icl.draw(steps, [{ label: 'ICL score', values: cps.map((c) => c.icl?.score ?? Number.NaN) }], 'nats (late − early)', marker);
  document.getElementById('cka-help')!.textContent = `Linear CKA (Kornblith et al. 2019) of each layer's residual stream to the final checkpoint's, on ${r.ckaInput === 'selection' ? 'the selection' : 'the repeated random tokens'}: 1 = the same representation up to rotation and scale.`;
  const nLayers = cps[0].ckaToFinal.length;
  charts.cka.draw(steps, Array.from({ length: nLayers }, (_, l) => ({ label: l === 0 ? 'embedding' : `after block ${l - 1}`, values: cps.map((c) => c.ckaToFinal[l]) })), 'CKA', marker);
  renderGrid();
}

function renderGrid(): void {
  if (!view) return;
  const c = view.result.checkpoints[selected];
  document.getElementById('step-label')!.textContent = `${c.name} (step ${c.step}): best ${c.inductionBest.toFixed(3)} at L${c.bestHead.layer}H${c.bestHead.head}`;
  document.getElementById('grid')!.replaceChildren(renderHeadGrid({ label: `induction score at step ${c.step}`, values: Float32Array.from(c.induction), nLayers: c.nLayers, nHeads: c.nHeads }, c.bestHead, () => undefined));
  document.body.dataset.step = String(c.step);
}

slider.addEventListener('input', () => {
  selected = Number(slider.value);
  render();
});
onThemeChange(render);
setPanelState('loading', document.getElementById('content')!);
