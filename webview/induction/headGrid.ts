// A layers × heads heatmap of one score, as a grid of buttons (few cells: keyboard and screen
// readers get real controls). Shade = the score, from the theme's accent colour.
import { el } from '../shared/dom';
import { heatScale } from '../shared/heat';

export interface HeadGridSpec {
  label: string;
  /** [layer, head] */
  values: Float32Array;
  nLayers: number;
  nHeads: number;
}

export function renderHeadGrid(spec: HeadGridSpec, selected: { layer: number; head: number }, open: (layer: number, head: number) => void): HTMLElement {
  const { nLayers, nHeads } = spec;
  const grid = el('div', { className: 'head-grid', role: 'grid', 'aria-label': `${spec.label}: rows are layers, columns are heads` });
  grid.style.gridTemplateColumns = `auto repeat(${nHeads}, auto)`;
  grid.append(el('span'), ...Array.from({ length: nHeads }, (_, h) => el('span', { className: 'muted axis' }, [`H${h}`])));
  const heat = heatScale();
  for (let l = 0; l < nLayers; l++) {
    grid.append(el('span', { className: 'muted axis' }, [`L${l}`]));
    for (let h = 0; h < nHeads; h++) {
      const v = spec.values[l * nHeads + h];
      const isSel = l === selected.layer && h === selected.head;
      const b = el('button', { className: isSel ? 'head-cell selected' : 'head-cell', tabIndex: isSel ? 0 : -1, title: `${spec.label}, layer ${l} head ${h}: ${v.toFixed(3)}`, 'aria-label': `layer ${l} head ${h}: ${v.toFixed(3)}` }, [v.toFixed(2)]);
      b.style.background = heat(v);
      b.dataset.layer = String(l);
      b.dataset.head = String(h);
      b.addEventListener('click', () => open(l, h));
      grid.append(b);
    }
  }
  grid.addEventListener('keydown', (e: KeyboardEvent) => {
    const cell = (e.target as HTMLElement).closest<HTMLElement>('.head-cell');
    if (!cell) return;
    const move: Record<string, [number, number]> = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
    const d = move[e.key];
    if (!d) return;
    e.preventDefault();
    const nl = Math.max(0, Math.min(nLayers - 1, Number(cell.dataset.layer) + d[0]));
    const nh = Math.max(0, Math.min(nHeads - 1, Number(cell.dataset.head) + d[1]));
    const next = grid.querySelector<HTMLElement>(`[data-layer="${nl}"][data-head="${nh}"]`);
    if (!next) return;
    cell.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  });
  return el('figure', { className: 'head-figure' }, [el('figcaption', {}, [spec.label]), grid]);
}
