// Image panel (Inspect Image): top-k predictions; the model's view of the image with an overlay
// (the attention rollout, with its head fusion and discard ratio, or one layer's / head's CLS →
// patch attention, or — while the pointer or the arrow keys are on a patch — that patch's own
// attention); every layer's and head's CLS → patch map as a small picture to pick from; the CLS
// token's class distribution after each block (logit lens). Colours are the theme's; everything
// is reachable by keyboard (Tab, Enter/Space on maps, arrow keys on the image).
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { connectToHost } from '../shared/rpcClient';
import { el } from '../shared/dom';
import { frameHandlers, panelChrome, setNotices, setPanelState, setSubtitle } from '../shared/panelFrame';
import { onThemeChange } from '../shared/theme';
import { decodeInBrowser, drawPatchMap, drawRgb, overlayColour } from './imageCanvas';
import type { ImageHostApi, ImagePanelApi, ImageView } from '../../src/protocol/imagePanel';
import type { ImagePrediction, RolloutFusion } from '../../src/protocol/vision';

/** what the overlay shows: the rollout, or one layer's CLS → patch map (head -1: mean over heads) */
type Source = { kind: 'rollout' } | { kind: 'cls'; layer: number; head: number };

const content = el('div', { id: 'content', hidden: true });
document.getElementById('app')!.replaceChildren(...panelChrome('Image', () => void host.call('retry', {})), content);

let view: ImageView | undefined;
let rollout: Float32Array = new Float32Array(0);
let source: Source = { kind: 'rollout' };
/** the patch under the pointer or the keyboard cursor, -1 for none */
let cursor = -1;
let patchMap: Float32Array | undefined;
let hoverSeq = 0;

const host = connectToHost<ImagePanelApi, ImageHostApi>({
  ...frameHandlers(() => content),
  show: (v) => {
    view = v;
    rollout = v.result.rollout;
    source = { kind: 'rollout' };
    cursor = -1;
    patchMap = undefined;
    render();
    return null;
  },
  decode: ({ bytes, mime }) => decodeInBrowser(bytes, mime),
});

const pct = (p: number): string => `${(p * 100).toFixed(p >= 0.1 ? 1 : 2)} %`;

function predictionsTable(top: ImagePrediction[]): HTMLElement {
  return el('table', { id: 'predictions', className: 'info-table' }, [
    el('caption', {}, ['Top classes (softmax of the logits)']),
    el('thead', {}, [el('tr', {}, ['class', 'probability', 'logit', 'id'].map((h, i) => el('th', { scope: 'col', className: i > 0 ? 'num' : '' }, [h])))]),
    el('tbody', {}, top.map((t) => el('tr', {}, [
      el('th', { scope: 'row', className: 'class-label' }, [t.label]),
      el('td', { className: 'num' }, [el('span', { className: 'prob-bar', style: `width: ${Math.max(1, Math.round(t.prob * 80))}px` }), ` ${pct(t.prob)}`]),
      el('td', { className: 'num' }, [t.logit.toFixed(3)]),
      el('td', { className: 'num' }, [String(t.id)]),
    ]))),
  ]);
}

/** the map the overlay draws now */
function currentMap(): Float32Array {
  const r = view!.result;
  const P = r.grid.rows * r.grid.cols;
  if (patchMap && cursor >= 0) return patchMap;
  if (source.kind === 'rollout') return rollout;
  const { layer, head } = source;
  if (head >= 0) return r.clsMaps.subarray((layer * r.nHeads + head) * P, (layer * r.nHeads + head + 1) * P);
  const mean = new Float32Array(P);
  for (let h = 0; h < r.nHeads; h++) for (let j = 0; j < P; j++) mean[j] += r.clsMaps[(layer * r.nHeads + h) * P + j] / r.nHeads;
  return mean;
}

function caption(): string {
  const r = view!.result;
  if (patchMap && cursor >= 0) {
    const at = source.kind === 'cls' ? source : { layer: r.nLayers - 1, head: -1 };
    return `Attention from patch (row ${Math.floor(cursor / r.grid.cols)}, column ${cursor % r.grid.cols}) at layer ${at.layer}, ${at.head < 0 ? 'mean of heads' : `head ${at.head}`}`;
  }
  if (source.kind === 'rollout') return `Attention rollout (${fusionSelect.value} of heads, discard ${Number(discard.value).toFixed(2)}): how much CLS draws on each patch through all layers`;
  return `CLS → patch attention at layer ${source.layer}, ${source.head < 0 ? 'mean of heads' : `head ${source.head}`}`;
}

const base = el('canvas', { id: 'image-base', className: 'image-layer', 'aria-hidden': 'true' }) as HTMLCanvasElement;
const overlay = el('canvas', { id: 'overlay', className: 'image-layer overlay', tabindex: '0', role: 'img' }) as HTMLCanvasElement;
const overlayCaption = el('p', { id: 'overlay-caption', className: 'muted', 'aria-live': 'polite' });
const fusionSelect = el('select', { id: 'fusion', 'aria-label': 'Head fusion for rollout' }, ['mean', 'max', 'min'].map((f) => el('option', { value: f }, [f]))) as HTMLSelectElement;
const discard = el('input', { id: 'discard', type: 'range', min: '0', max: '0.95', step: '0.05', value: '0', 'aria-label': 'Discard ratio' }) as HTMLInputElement;
const discardText = el('output', { id: 'discard-value', htmlFor: 'discard' }, ['0.00']);
const showRollout = el('vscode-button', { id: 'show-rollout', secondary: true }, ['Show rollout']);
const projectorLayer = el('select', { id: 'projector-layer', 'aria-label': 'Layer whose patch hidden states go to the projector' }) as HTMLSelectElement;
const openProjector = el('vscode-button', { id: 'open-projector' }, ['Open patch embeddings in Projector']);
const projectorStatus = el('span', { id: 'projector-status', className: 'muted', role: 'status' });

/** the patches' hidden states after the picked block, to the projector panel (one point a patch) */
openProjector.addEventListener('click', () => {
  projectorStatus.textContent = 'Projecting the patches…';
  host.call('openProjector', { layer: Number(projectorLayer.value), fusion: fusionSelect.value as RolloutFusion, discardRatio: Number(discard.value) }).then(
    () => (projectorStatus.textContent = ''),
    (error: Error) => (projectorStatus.textContent = error.message),
  );
});

function drawOverlay(): void {
  const r = view!.result;
  drawPatchMap(overlay, currentMap(), r.grid.rows, r.grid.cols, overlayColour(), 0.85, cursor);
  overlay.dataset.source = patchMap && cursor >= 0 ? 'patch' : source.kind === 'rollout' ? 'rollout' : `layer${source.layer}-head${source.head}`;
  overlay.setAttribute('aria-label', caption());
  overlayCaption.textContent = caption();
  for (const cell of document.querySelectorAll<HTMLElement>('.head-map')) {
    const picked = source.kind === 'cls' && Number(cell.dataset.layer) === source.layer && Number(cell.dataset.head) === source.head;
    cell.classList.toggle('selected', picked);
    cell.setAttribute('aria-pressed', String(picked));
  }
}

async function refreshRollout(): Promise<void> {
  discardText.textContent = Number(discard.value).toFixed(2);
  const res = await host.call('rollout', { fusion: fusionSelect.value as RolloutFusion, discardRatio: Number(discard.value) });
  rollout = res.rollout;
  source = { kind: 'rollout' };
  drawOverlay();
}
fusionSelect.addEventListener('change', () => void refreshRollout());
discard.addEventListener('change', () => void refreshRollout());
discard.addEventListener('input', () => (discardText.textContent = Number(discard.value).toFixed(2)));
showRollout.addEventListener('click', () => {
  source = { kind: 'rollout' };
  drawOverlay();
});

/** the patch's own attention (its row of the pattern), at the picked layer and head or the last layer's mean */
async function hoverPatch(patch: number): Promise<void> {
  const r = view!.result;
  cursor = patch;
  if (patch < 0) {
    patchMap = undefined;
    drawOverlay();
    return;
  }
  const seq = ++hoverSeq;
  const at = source.kind === 'cls' ? source : { layer: r.nLayers - 1, head: -1 };
  const res = await host.call('patch', { layer: at.layer, head: at.head, token: r.grid.prefix + patch });
  if (seq !== hoverSeq) return; // the pointer moved on
  patchMap = res.attention;
  drawOverlay();
}

function patchAt(event: MouseEvent): number {
  const r = view!.result;
  const box = overlay.getBoundingClientRect();
  const c = Math.floor(((event.clientX - box.left) / box.width) * r.grid.cols);
  const row = Math.floor(((event.clientY - box.top) / box.height) * r.grid.rows);
  return c >= 0 && c < r.grid.cols && row >= 0 && row < r.grid.rows ? row * r.grid.cols + c : -1;
}
overlay.addEventListener('mousemove', (e) => {
  const p = patchAt(e);
  if (p !== cursor) void hoverPatch(p);
});
overlay.addEventListener('mouseleave', () => void hoverPatch(-1));
overlay.addEventListener('blur', () => void hoverPatch(-1));
overlay.addEventListener('keydown', (e) => {
  const r = view!.result;
  const { rows, cols } = r.grid;
  const at = cursor < 0 ? 0 : cursor;
  const moves: Record<string, number> = { ArrowLeft: at % cols > 0 ? at - 1 : at, ArrowRight: at % cols < cols - 1 ? at + 1 : at, ArrowUp: at >= cols ? at - cols : at, ArrowDown: at < (rows - 1) * cols ? at + cols : at };
  if (e.key in moves) {
    e.preventDefault();
    void hoverPatch(cursor < 0 ? 0 : moves[e.key]);
  } else if (e.key === 'Escape') void hoverPatch(-1);
});

/** layers × (mean, heads) of small CLS → patch pictures; each one is a toggle that puts it on the image */
function headGrid(): HTMLElement {
  const r = view!.result;
  const P = r.grid.rows * r.grid.cols;
  const colour = overlayColour();
  const header = el('div', { className: 'head-map-row' }, [el('span', { className: 'head-map-label' }, ['']), ...['mean', ...Array.from({ length: r.nHeads }, (_, h) => `head ${h}`)].map((t) => el('span', { className: 'head-map-label' }, [t]))]);
  const rows = Array.from({ length: r.nLayers }, (_, layer) => el('div', { className: 'head-map-row' }, [
    el('span', { className: 'head-map-label' }, [`layer ${layer}`]),
    ...[-1, ...Array.from({ length: r.nHeads }, (_, h) => h)].map((head) => {
      const cell = el('canvas', { className: 'head-map', tabindex: '0', role: 'button', 'aria-pressed': 'false', 'aria-label': `CLS to patches, layer ${layer}, ${head < 0 ? 'mean of heads' : `head ${head}`}` }) as HTMLCanvasElement;
      cell.dataset.layer = String(layer);
      cell.dataset.head = String(head);
      let map: Float32Array;
      if (head >= 0) map = r.clsMaps.subarray((layer * r.nHeads + head) * P, (layer * r.nHeads + head + 1) * P);
      else {
        map = new Float32Array(P);
        for (let h = 0; h < r.nHeads; h++) for (let j = 0; j < P; j++) map[j] += r.clsMaps[(layer * r.nHeads + h) * P + j] / r.nHeads;
      }
      drawPatchMap(cell, map, r.grid.rows, r.grid.cols, colour, 1);
      const pick = () => {
        source = { kind: 'cls', layer, head };
        patchMap = undefined;
        cursor = -1;
        drawOverlay();
      };
      cell.addEventListener('click', pick);
      cell.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          pick();
        }
      });
      return cell;
    }),
  ]));
  return el('div', { id: 'head-maps', role: 'group', 'aria-label': 'CLS to patch attention per layer and head' }, [header, ...rows]);
}

function lensTable(): HTMLElement {
  const r = view!.result;
  if (r.lens.length === 0) return el('p', { id: 'lens', className: 'muted' }, [`The CLS logit lens is not available: ${r.lensUnavailable ?? 'unknown reason'}.`]);
  return el('table', { id: 'lens', className: 'info-table' }, [
    el('caption', {}, ["CLS token after each block, through the model's final norm and classifier"]),
    el('thead', {}, [el('tr', {}, ['after block', 'top class', 'probability', 'next classes'].map((h, i) => el('th', { scope: 'col', className: i === 2 ? 'num' : '' }, [h])))]),
    el('tbody', {}, r.lens.map((row) => el('tr', {}, [
      el('th', { scope: 'row' }, [String(row.layer)]),
      el('td', { className: 'class-label' }, [row.top[0]?.label ?? '']),
      el('td', { className: 'num' }, [row.top[0] ? pct(row.top[0].prob) : '']),
      el('td', {}, [row.top.slice(1).map((t) => `${t.label} ${pct(t.prob)}`).join(', ')]),
    ]))),
  ]);
}

function section(title: string, body: HTMLElement[]): HTMLElement {
  return el('section', { className: 'image-section' }, [el('h2', {}, [title]), ...body]);
}

function render(): void {
  const v = view!;
  const r = v.result;
  fusionSelect.value = v.fusion;
  discard.value = String(v.discardRatio);
  discardText.textContent = v.discardRatio.toFixed(2);
  setSubtitle(`${v.fileName} (${r.input.width} × ${r.input.height}) · ${r.model} sees ${r.view.width} × ${r.view.height} in ${r.grid.rows} × ${r.grid.cols} patches · ${r.ms.total.toFixed(0)} ms`);
  setNotices(r.lensUnavailable ? [`Logit lens: ${r.lensUnavailable}.`] : []);
  drawRgb(base, r.view.rgb, r.view.width, r.view.height);
  projectorLayer.replaceChildren(...Array.from({ length: r.nLayers }, (_, l) => el('option', { value: String(l) }, [String(l)])));
  projectorLayer.value = String(r.nLayers - 1);
  const stack = el('div', { className: 'image-stack' }, [base, overlay]);
  content.replaceChildren(el('div', { className: 'image-grid' }, [
    section('Prediction', [predictionsTable(r.top)]),
    section('Attention over the image', [
      el('div', { className: 'image-controls' }, [el('label', { htmlFor: 'fusion' }, ['Head fusion ']), fusionSelect, el('label', { htmlFor: 'discard' }, [' Discard ratio ']), discard, discardText, showRollout]),
      stack,
      overlayCaption,
      el('p', { className: 'muted' }, ['Hover a patch, or focus the image and use the arrow keys, to see where that patch attends. Pick a map below to show it on the image.']),
    ]),
    section('CLS → patches, per layer and head', [headGrid()]),
    section('CLS class distribution per layer (logit lens)', [lensTable()]),
    section('Patch embeddings', [
      el('div', { className: 'image-controls' }, [el('label', { htmlFor: 'projector-layer' }, ['After block ']), projectorLayer, openProjector, projectorStatus]),
      el('p', { className: 'muted' }, ["Each patch's residual stream after the block, projected (PCA or UMAP) in the Projector panel: points are labelled by row and column and can be coloured by row, column or rollout weight."]),
    ]),
  ]));
  drawOverlay();
  setPanelState('drawn', content);
}

onThemeChange(() => {
  if (view) render();
});
