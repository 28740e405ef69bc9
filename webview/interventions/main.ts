// The intervention panels (one bundle, two views): "Why This Token?" draws the direct logit
// attribution as sorted bars with the residual sum beside the actual logit; "Compare Prompts" draws
// one heatmap per patched hook (layer × position, or layer × head for z) of the normalised logit
// difference, filled layer by layer. Cells and bars are buttons / list items reachable by Tab, with
// their figures in aria-labels; colours are the theme's chart colours.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { connectToHost } from '../shared/rpcClient';
import { el } from '../shared/dom';
import { frameHandlers, panelChrome, setNotices, setPanelState, setSubtitle } from '../shared/panelFrame';
import { heatScale } from '../shared/heat';
import { onThemeChange } from '../shared/theme';
import type { DlaView, PatchingView } from '../../src/protocol/interventionPanels';
import type { PatchCell } from '../../src/protocol/interventions';
import type { ResultHostApi, ResultPanelApi } from '../../src/protocol/panel';

const content = el('div', { id: 'content', hidden: true });
document.getElementById('app')!.replaceChildren(...panelChrome('Interventions', () => void host.call('retry', {})), content);

const host = connectToHost<ResultPanelApi<DlaView | PatchingView>, ResultHostApi>({
  ...frameHandlers(() => content),
  show: (view) => {
    if ('result' in view) renderDla(view);
    else renderPatching(view);
    return null;
  },
});

const fmt = (v: number) => (Number.isFinite(v) ? (v >= 0 ? '+' : '') + v.toFixed(4) : '—');
const visible = (t: string) => JSON.stringify(t).slice(1, -1);

function renderDla({ result: r }: DlaView): void {
  document.getElementById('title')!.textContent = 'Why this token?';
  setSubtitle(`${r.model.name} · logit of "${visible(r.target.text)}"${r.vs ? ` minus "${visible(r.vs.text)}"` : ''} after ${r.tokens.length} tokens · final ${r.norm}, scale frozen`);
  setNotices([]);
  const sorted = [...r.components].sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
  const max = Math.max(1e-9, ...sorted.map((c) => Math.abs(c.value)));
  const rows = sorted.map((c) => el('li', { className: 'dla-row', tabindex: '0', 'aria-label': `${c.name} ${fmt(c.value)}` }, [
    el('span', { className: 'dla-name' }, [c.name]),
    el('span', { className: 'dla-track' }, [el('span', { className: `dla-bar ${c.value >= 0 ? 'pos' : 'neg'}`, style: `width:${((Math.abs(c.value) / max) * 100).toFixed(1)}%` })]),
    el('span', { className: 'dla-value num' }, [fmt(c.value)]),
  ]));
  const diff = r.logit - r.sum;
  content.replaceChildren(
    el('p', { id: 'dla-sum', role: 'status' }, [`sum of components ${r.sum.toFixed(4)} · actual logit ${r.logit.toFixed(4)} · difference ${diff.toExponential(2)}`]),
    el('ol', { id: 'dla-bars', className: 'dla-list', 'aria-label': 'components, largest first' }, rows),
    el('p', { className: 'muted' }, ['Each component is read through the final norm with its scale frozen at the real stream\'s (LayerNorm also centres each one); "bias" holds the attention output biases, the norm\'s shift and the unembedding bias.']),
  );
  setPanelState('drawn', content);
}

/**
 * Shades each cell by its normalised value: the theme's blue for restoring the clean answer, red
 * for the opposite, both capped so the cell's figure keeps 4.5:1 (an 85 % tint left Dark Modern's
 * at 2.4:1). Run again on a theme change: the cells keep their focus and the details line.
 */
function paintCells(): void {
  const blue = heatScale();
  const red = heatScale('--vscode-charts-red');
  for (const b of document.querySelectorAll<HTMLElement>('button.patch-cell')) {
    const v = Number(b.dataset.value);
    b.style.background = Number.isFinite(v) ? (v >= 0 ? blue : red)(Math.min(1, Math.abs(v))) : 'transparent';
  }
}
onThemeChange(paintCells);

function renderPatching(view: PatchingView): void {
  document.getElementById('title')!.textContent = 'Compare prompts (activation patching)';
  const first = view.hooks[0]?.result;
  if (!first) return;
  setSubtitle(`${first.model.name} · answer "${visible(first.answer.text)}" vs wrong "${visible(first.wrong.text)}" · logit difference clean ${first.clean.logitDiff.toFixed(3)}, corrupt ${first.corrupt.logitDiff.toFixed(3)}`);
  setNotices([...view.skipped.map((s) => `${s.hook}: ${s.reason}`), ...(view.cancelled ? ['Cancelled: the layers already patched are kept.'] : [])]);
  const details = el('p', { id: 'patch-details', role: 'status', className: 'muted' }, ['Click a cell (or focus it and press Enter) for its figures.']);
  const sections = view.hooks.map(({ hook, result: r, layersDone }) => {
    const byHead = hook === 'z';
    const cols = byHead ? r.nHeads : r.cleanTokens.length;
    const head = el('tr', {}, [el('th', { scope: 'col' }, ['layer']), ...Array.from({ length: cols }, (_, i) => el('th', { scope: 'col' }, [byHead ? `h${i}` : visible(r.cleanTokens[i].text)]))]);
    const rows = Array.from({ length: r.nLayers }, (_, layer) => {
      const cells = r.results.filter((c) => c.layer === layer);
      return el('tr', {}, [el('th', { scope: 'row' }, [String(layer)]), ...Array.from({ length: cols }, (_, i) => {
        const cell = cells.find((c) => (byHead ? c.head : c.position) === i);
        if (!cell) return el('td', { className: 'patch-cell pending' }, ['']);
        const label = cellLabel(hook, cell, r.cleanTokens.map((t) => t.text), r.corruptTokens.map((t) => t.text));
        const b = el('button', { className: 'patch-cell', 'aria-label': label, title: label }, [cell.normalized.toFixed(2)]);
        b.dataset.value = String(cell.normalized);
        b.addEventListener('click', () => { details.textContent = label; });
        return el('td', {}, [b]);
      })]);
    });
    return el('section', { className: 'patch-section', 'data-hook': hook }, [
      el('h2', {}, [`${hook === 'z' ? 'attn.hook_z (every position of one head)' : `hook_${hook}`} · ${layersDone}/${r.nLayers} layers`]),
      el('div', { className: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': `${hook} heatmap` }, [el('table', { className: 'patch-grid' }, [el('thead', {}, [head]), el('tbody', {}, rows)])]),
    ]);
  });
  content.replaceChildren(
    el('p', { id: 'patch-status' }, [view.complete ? 'Done.' : view.cancelled ? 'Cancelled.' : 'Running…', ' Cells: (patched − corrupt) / (clean − corrupt); 1 restores the clean answer.']),
    details, ...sections,
  );
  paintCells();
  setPanelState('drawn', content);
}

function cellLabel(hook: string, c: PatchCell, clean: string[], corrupt: string[]): string {
  const where = c.head !== undefined ? `head ${c.head}` : `position ${c.position} ("${visible(clean[c.position as number])}"${clean[c.position as number] !== corrupt[c.position as number] ? ` vs corrupt "${visible(corrupt[c.position as number])}"` : ''})`;
  return `${hook} layer ${c.layer} ${where}: logit difference ${c.logitDiff.toFixed(4)}, normalised ${c.normalized.toFixed(4)}`;
}
