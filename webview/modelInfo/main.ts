// Model Info panel: the engine's report as tables — the summary (shared with the CLI), inputs and
// outputs, weights by type, the op histogram, and what instrumentation found, recomputed or could
// not find. Tables and <details> only: everything is reachable by Tab and readable by a screen
// reader; colours are the theme's.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import { connectToHost } from '../shared/rpcClient';
import { el } from '../shared/dom';
import { frameHandlers, panelChrome, setNotices, setPanelState, setSubtitle } from '../shared/panelFrame';
import { modelInfoRows } from '../../src/util/modelInfoRows';
import { formatBytes, formatCount } from '../../src/util/format';
import type { ModelInfoHostApi, ModelInfoPanelApi } from '../../src/protocol/modelInfoPanel';
import type { ModelInfoReport } from '../../src/protocol/modelInfo';

const content = el('div', { id: 'content', hidden: true });
document.getElementById('app')!.replaceChildren(...panelChrome('Model info', () => void host.call('retry', {})), content);

const host = connectToHost<ModelInfoPanelApi, ModelInfoHostApi>({
  ...frameHandlers(() => content),
  show: ({ report }) => {
    render(report);
    return null;
  },
});

/** A table with a caption, column headers and, when `rowHeader`, the first cell of each row as its header. */
function table(id: string, caption: string, head: string[], rows: string[][], numeric: number[] = [], rowHeader = false): HTMLElement {
  return el('table', { id, className: 'info-table' }, [
    el('caption', {}, [caption]),
    el('thead', {}, [el('tr', {}, head.map((h, i) => el('th', { scope: 'col', className: numeric.includes(i) ? 'num' : '' }, [h])))]),
    el('tbody', {}, rows.map((r) => el('tr', {}, r.map((c, i) => (rowHeader && i === 0 ? el('th', { scope: 'row' }, [c]) : el('td', { className: numeric.includes(i) ? 'num' : '' }, [c])))))),
  ]);
}

/** A section that folds, open by default; the summary is a native keyboard control. */
function section(title: string, body: HTMLElement, open = true): HTMLElement {
  return el('details', { open, className: 'info-section' }, [el('summary', {}, [el('h2', {}, [title])]), el('div', { className: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': title }, [body])]);
}

/** The CLI's rows; the provider's fallback reason is already the notice line above the tables. */
function summaryRows(r: ModelInfoReport): string[][] {
  return modelInfoRows(r).map(([k, v]) => (k === 'provider' && r.providerNote ? [k, `${r.provider} (fallback: the reason is above)`] : [k, v]));
}

function render(r: ModelInfoReport): void {
  setSubtitle(`${r.name} · ${r.kind} · ${formatCount(r.parameters)} parameters · on ${r.provider}`);
  setNotices([...(r.providerNote ? [r.providerNote] : []), ...r.notes]);
  const ins = r.instrumentation;
  const signature = [...r.inputs.map((t) => ['input', t.name, t.dtype, `[${t.shape.join(', ')}]`]), ...r.outputs.map((t) => ['output', t.name, t.dtype, `[${t.shape.join(', ')}]`])];
  const hooks = [
    ...ins.found.map((h) => [h.name, 'found', h.onnxName]),
    ...ins.recomputed.map((h) => [h.name, 'recomputed', `from ${h.op}'s Q and K (the op never materialises the pattern)`]),
    ...ins.unavailable.map((u) => [u.name, 'not found', u.reason]),
  ];
  content.replaceChildren(
    table('summary', 'Summary', ['figure', 'value'], summaryRows(r), [], true),
    section('Inputs and outputs', table('signature', 'Graph inputs and outputs (symbolic dims by name)', ['', 'name', 'type', 'shape'], signature)),
    section('Weights by type', table('weights', 'Initializers per element type', ['type', 'tensors', 'elements', 'size'],
      Object.entries(r.weightDtypes).map(([d, w]) => [d, formatCount(w.tensors), formatCount(w.elements), formatBytes(w.bytes)]), [1, 2, 3])),
    section(`Ops (${formatCount(r.nodes)} nodes${r.subgraphNodes ? `, ${formatCount(r.subgraphNodes)} in subgraphs` : ''})`,
      table('ops', 'Nodes per op type, If/Loop/Scan bodies included', ['op', 'count'], r.ops.map((o) => [o.op, formatCount(o.count)]), [1])),
    section(`Instrumentation: ${ins.found.length} found, ${ins.recomputed.length} recomputed, ${ins.unavailable.length} not found`,
      el('div', {}, [
        el('p', { id: 'instrument-line', className: 'muted' }, [ins.error ? `Instrumentation failed: ${ins.error}` : `layer norm ${ins.layerNorm}${ins.fusedAttention ? ' · fused attention' : ''} · ${ins.cached ? 'from the cache' : `${ins.ms.toFixed(0)} ms`}`]),
        table('hooks', 'Hooks (TransformerLens names)', ['hook', 'status', 'ONNX tensor or reason'], hooks),
      ])),
  );
  setPanelState('drawn', content);
}
