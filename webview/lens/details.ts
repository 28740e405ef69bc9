// Text around the lens grid: the focused cell's candidates, and the target's per-layer table
// (rank, probability, KL to the output, entropy) — the chart's numbers, readable by a screen reader.
import { el } from '../shared/dom';
import { visibleToken } from '../../src/util/format';
import { shortLayer } from './labels';
import { topAt } from './grid';
import type { LensResult, LensTargetResult } from '../../src/protocol/internals';

export function renderCellInfo(box: HTMLElement, r: LensResult, layer: number, position: number): void {
  const i = layer * r.positions + position;
  const cands = Array.from({ length: r.topK }, (_, j) => topAt(r, layer, position, j))
    .map((c) => `“${visibleToken(c.text)}” ${c.prob.toFixed(3)}`)
    .join(' · ');
  box.textContent = `${shortLayer(r.layers[layer])}, after position ${position} “${visibleToken(r.tokens[position].text)}”: ${cands} — entropy ${r.entropyBits[i].toFixed(2)} bits, KL to output ${r.klToFinal[i].toFixed(3)} bits`;
}

export function renderTrace(table: HTMLTableElement, r: LensResult, position: number, t: LensTargetResult): void {
  const head = el('tr', {}, ['layer', 'rank', 'probability', 'KL to output (bits)', 'entropy (bits)'].map((h) => el('th', { scope: 'col' }, [h])));
  const rows = r.layers.map((label, l) => {
    const i = l * r.positions + position;
    return el('tr', {}, [
      el('th', { scope: 'row', title: label }, [shortLayer(label)]),
      el('td', { className: 'num' }, [String(t.ranks[l])]),
      el('td', { className: 'num' }, [t.probs[l].toExponential(2)]),
      el('td', { className: 'num' }, [r.klToFinal[i].toFixed(3)]),
      el('td', { className: 'num' }, [r.entropyBits[i].toFixed(2)]),
    ]);
  });
  table.replaceChildren(el('thead', {}, [head]), el('tbody', {}, rows));
}
