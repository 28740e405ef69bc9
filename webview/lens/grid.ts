// The lens grid: rows are lens layers, columns are positions (one page at a time), each cell the
// top token of that layer's lens and its probability, shaded by it. Token text goes in as text
// nodes only. Keyboard: arrows move between cells, Enter/Space picks the cell's position.
import { el } from '../shared/dom';
import { visibleToken } from '../../src/util/format';
import { shortLayer } from './labels';
import { heatScale } from '../shared/heat';
import type { LensResult } from '../../src/protocol/internals';

/** Positions drawn per page: keeps the DOM small on 2k-token selections. */
export const PAGE = 128;

export interface GridCallbacks {
  /** a cell got focus or was clicked: show its details */
  focus(layer: number, position: number): void;
  /** Enter/click: make this position the one the target box follows */
  pick(position: number): void;
}

export function topAt(r: LensResult, layer: number, position: number, j = 0): { id: number; text: string; prob: number } {
  const at = (layer * r.positions + position) * r.topK + j;
  const id = r.topIds[at];
  return { id, text: r.tokenTexts[id] ?? '', prob: r.topProbs[at] };
}

/** "0.87" → ".87", "1.00" → "1": two digits' worth of width, so more columns fit (the title has the full value). */
function shortProb(p: number): string {
  const s = p.toFixed(2);
  return s === '1.00' ? '1' : s.replace(/^0/, '');
}

/**
 * Scrolls the grid's box sideways (never the page) so that the cells of `position` are in view:
 * the picked position may be the last of a page, far right of what fits.
 */
export function scrollToPosition(wrap: HTMLElement, table: HTMLTableElement, position: number): void {
  const th = table.querySelector<HTMLElement>(`thead th.lens-input[data-position="${position}"]`);
  if (!th) return;
  // the row labels and KL stay put on the left (widths, not offsets: a stuck cell's offset moves)
  const sticky = (table.querySelector<HTMLElement>('thead th')?.offsetWidth ?? 0) + (table.querySelector<HTMLElement>('thead th.lens-kl')?.offsetWidth ?? 0);
  const left = th.offsetLeft - sticky;
  const right = th.offsetLeft + th.offsetWidth;
  if (left < wrap.scrollLeft || right > wrap.scrollLeft + wrap.clientWidth) {
    wrap.scrollLeft = Math.max(0, th.offsetLeft - sticky - (wrap.clientWidth - sticky - th.offsetWidth) / 2);
  }
}

/** Draws page `page` of the grid into `table`; returns the time taken in ms. */
/** Which positions hold values ([positions], 1 = computed): the engine sends the first columns, then pages (lens/page). */
export function computedMask(r: LensResult): Uint8Array {
  const mask = new Uint8Array(r.positions);
  const c = r.computed ?? { from: 0, to: r.positions }; // an engine without paging sends every position
  mask.fill(1, c.from, c.to);
  return mask;
}

export function renderGrid(table: HTMLTableElement, r: LensResult, page: number, selected: { layer: number; position: number }, cb: GridCallbacks, computed: Uint8Array = computedMask(r)): number {
  const t0 = performance.now();
  const L = r.layers.length;
  const from = page * PAGE;
  const to = Math.min(r.positions, from + PAGE);
  const cols = Array.from({ length: to - from }, (_, i) => from + i);
  // over the positions computed so far (all of them once every page has been seen)
  const done = computed.reduce((n, c) => n + c, 0);
  const meanKl = r.layers.map((_, l) => {
    let s = 0;
    for (let p = 0; p < r.positions; p++) if (computed[p]) s += r.klToFinal[l * r.positions + p];
    return done > 0 ? s / done : 0;
  });
  const header = el('tr', {}, [
    el('th', { scope: 'col' }, ['layer']),
    el('th', { scope: 'col', className: 'lens-kl', title: 'KL(output ‖ layer) in bits, mean over positions' }, ['KL']),
    ...cols.map((p) => {
      const th = el('th', { scope: 'col', className: 'lens-input', title: `position ${p}: ${JSON.stringify(r.tokens[p].text)} (the column shows what each layer predicts after it)` }, [el('span', { className: 'lens-clip' }, [visibleToken(r.tokens[p].text)])]);
      th.dataset.position = String(p);
      th.addEventListener('click', () => cb.pick(p));
      return th;
    }),
  ]);
  const rows: HTMLElement[] = [];
  const heat = heatScale();
  for (let l = 0; l < L; l++) {
    const tr = el('tr', {}, [
      el('th', { scope: 'row', title: r.layers[l] }, [shortLayer(r.layers[l])]),
      el('td', { className: 'num muted lens-kl' }, [meanKl[l].toFixed(2)]),
    ]);
    for (const p of cols) {
      if (!computed[p]) {
        // not computed yet: the rest of the page is on its way (lens/page)
        const td = el('td', { className: 'lens-cell lens-pending', tabIndex: l === selected.layer && p === selected.position ? 0 : -1, title: `${shortLayer(r.layers[l])} at ${p}: computing…` }, [el('span', { className: 'lens-token lens-clip' }, ['…'])]);
        td.dataset.layer = String(l);
        td.dataset.position = String(p);
        td.addEventListener('click', () => cb.pick(p));
        tr.append(td);
        continue;
      }
      const top = topAt(r, l, p);
      const next = r.tokens[p + 1];
      const hit = next !== undefined && next.id === top.id;
      const td = el('td', {
        className: hit ? 'lens-cell hit' : 'lens-cell',
        tabIndex: l === selected.layer && p === selected.position ? 0 : -1,
        title: `${shortLayer(r.layers[l])} at ${p}: ${JSON.stringify(top.text)} p = ${top.prob.toFixed(3)}${hit ? ' (the token that came next)' : ''}`,
      }, [el('span', { className: 'lens-token lens-clip' }, [visibleToken(top.text)]), el('span', { className: 'lens-prob' }, [shortProb(top.prob)])]);
      td.style.background = heat(top.prob);
      td.dataset.layer = String(l);
      td.dataset.position = String(p);
      if (p === selected.position) td.classList.add('picked');
      td.addEventListener('click', () => {
        cb.focus(l, p);
        cb.pick(p);
      });
      td.addEventListener('focus', () => cb.focus(l, p));
      tr.append(td);
    }
    rows.push(tr);
  }
  const actual = el('tr', { className: 'muted' }, [el('th', { scope: 'row', title: 'The token that actually follows each position' }, ['next']), el('td', { className: 'lens-kl' })]);
  for (const p of cols) {
    const next = r.tokens[p + 1];
    actual.append(el('td', { className: 'lens-next', title: next ? `position ${p + 1}: ${JSON.stringify(next.text)}` : 'the selection ends here' }, [el('span', { className: 'lens-clip' }, [next ? visibleToken(next.text) : '—'])]));
  }
  table.replaceChildren(el('thead', {}, [header]), el('tbody', {}, [...rows, actual]));
  // the KL column stays beside the row labels while the positions scroll: it sticks just right of them
  const labels = table.querySelector<HTMLElement>('thead th')?.offsetWidth ?? 0;
  for (const c of table.querySelectorAll<HTMLElement>('.lens-kl')) c.style.left = `${labels}px`;
  table.onkeydown = (e: KeyboardEvent) => {
    const cell = (e.target as HTMLElement).closest<HTMLElement>('.lens-cell');
    if (!cell) return;
    const l = Number(cell.dataset.layer);
    const p = Number(cell.dataset.position);
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      cb.pick(p);
      return;
    }
    const move: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1], Home: [0, from - p], End: [0, to - 1 - p] };
    const d = move[e.key];
    if (!d) return;
    e.preventDefault();
    const nl = Math.max(0, Math.min(L - 1, l + d[0]));
    const np = Math.max(from, Math.min(to - 1, p + d[1]));
    const next = table.querySelector<HTMLElement>(`.lens-cell[data-layer="${nl}"][data-position="${np}"]`);
    if (!next) return;
    cell.tabIndex = -1;
    next.tabIndex = 0;
    next.focus();
  };
  return performance.now() - t0;
}
