// Future-token panel: held-out top-1 / top-5 of probes from each layer to the token k ahead,
// beside the n-gram lookup's top-1 on the same context; with a selection, each position's
// guesses for t+2 … t+K at each k's best layer and whether they came true.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { connectToHost } from '../shared/rpcClient';
import { el } from '../shared/dom';
import { frameHandlers, panelChrome, setNotices, setPanelState, setSubtitle } from '../shared/panelFrame';
import { heatScale } from '../shared/heat';
import { onThemeChange } from '../shared/theme';
import type { FutureHostApi, FuturePanelApi, FutureView } from '../../src/protocol/futurePanel';

document.getElementById('app')!.replaceChildren(
  ...panelChrome('Future-token probes', () => void host.call('retry', {})),
  el('div', { id: 'content', hidden: true }, [
    el('p', { className: 'muted', id: 'about' }),
    el('table', { id: 'grid', 'aria-label': 'held-out accuracy by layer (rows) and k (columns)' }),
    el('h2', { id: 'selection-title', hidden: true }, ['The selection']),
    el('p', { className: 'muted', id: 'selection-help', hidden: true }),
    el('table', { id: 'selection' }),
  ]),
);

let view: FutureView | undefined;
const host = connectToHost<FuturePanelApi, FutureHostApi>({
  ...frameHandlers(() => document.getElementById('content')!),
  show: (v) => {
    view = v;
    render();
    return null;
  },
});

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

function render(): void {
  if (!view) return;
  const r = view.result;
  const K = r.bestLayer.length;
  setSubtitle(`${r.model} · ${view.corpus} · files ${r.files.train} / ${r.files.validation} / ${r.files.test} (train / validation / test)${r.files.leftOut ? `, ${r.files.leftOut} left out (past 200,000 tokens)` : ''} · ${(r.ms / 1000).toFixed(1)} s`);
  setNotices(r.coverage < 0.5 ? [`Only ${pct(r.coverage)} of the test targets are among the probes' ${r.classes - 1} classes: the rest count as misses.`] : []);
  document.getElementById('about')!.textContent = `Each cell: a linear probe from the layer's residual stream at t to the token at t + k, held-out top-1 / top-5, and the n-gram lookup's top-1 from the tokens up to t. A "plan" is credited only where the probe beats the lookup. Probes: the ${r.classes - 1} most frequent targets + other, ${r.trainPositions.toLocaleString('en-US')} training positions, ${r.testPositions.toLocaleString('en-US')} test positions. ★ = best layer for that k (validation files).`;
  const heat = heatScale();
  const head = el('tr', {}, [el('th', { scope: 'col' }, ['layer']), ...Array.from({ length: K }, (_, i) => el('th', { scope: 'col' }, [`t+${i + 1}`]))]);
  const rows = Array.from({ length: r.nLayers + 1 }, (_, layer) =>
    el('tr', {}, [
      el('th', { scope: 'row' }, [layer === 0 ? '0 (embedding)' : String(layer)]),
      ...r.layers.filter((c) => c.layer === layer).map((c) => {
        const td = el('td', { className: c.top1 > c.ngramTop1 ? 'num beats' : 'num', title: `${c.hook}, t+${c.k}` }, [`${pct(c.top1)} / ${pct(c.top5)} · n-gram ${pct(c.ngramTop1)}${r.bestLayer[c.k - 1] === layer ? ' ★' : ''}`]);
        td.style.background = heat(c.top1);
        return td;
      }),
    ]),
  );
  document.getElementById('grid')!.replaceChildren(el('thead', {}, [head]), el('tbody', {}, rows));
  const sel = view.selection;
  document.getElementById('selection-title')!.hidden = !sel;
  document.getElementById('selection-help')!.hidden = !sel;
  const table = document.getElementById('selection')!;
  if (!sel) {
    table.replaceChildren();
  } else {
    document.getElementById('selection-help')!.textContent = `${sel.source.fileName}:${sel.source.line}. For each token, the probes' first guesses for the tokens 2…${K} ahead (at each k's best layer); ✓ = the first guess came true.`;
    const ks = Array.from({ length: Math.max(0, K - 1) }, (_, i) => i + 2);
    const shead = el('tr', {}, [el('th', { scope: 'col' }, ['token']), ...ks.map((k) => el('th', { scope: 'col' }, [`t+${k}`]))]);
    const srows = sel.view.positions.map((p) =>
      el('tr', {}, [
        el('td', { className: 'token' }, [JSON.stringify(p.text)]),
        ...p.ahead.map((g) => el('td', { className: g.hit ? 'hit' : '', title: g.actual ? `actual: ${JSON.stringify(g.actual.text)}` : 'past the end of the selection' }, [`${g.guesses.map((x) => `${JSON.stringify(x.text)} ${pct(x.prob)}`).join(', ')}${g.hit ? ' ✓' : ''}`])),
      ]),
    );
    table.replaceChildren(el('thead', {}, [shead]), el('tbody', {}, srows));
  }
  setPanelState('drawn', document.getElementById('content')!);
}
onThemeChange(render);
setPanelState('loading', document.getElementById('content')!);
