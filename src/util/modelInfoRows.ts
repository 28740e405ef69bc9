/** The summary rows of Model Info, as label/value text: one definition for the CLI's table and the panel's. */
import { formatBytes, formatCount } from './format';
import type { FigureSource, ModelInfoReport } from '../protocol/modelInfo';

function figure(value: number | null, source: FigureSource): string {
  if (value === null) return 'unknown';
  return `${formatCount(value)}${source === 'graph' ? '' : ` (${source})`}`;
}

export function modelInfoRows(r: ModelInfoReport): [string, string][] {
  const files = [`${formatBytes(r.files.model.bytes)} model`, ...r.files.externalData.map((e) => `${e.bytes < 0 ? 'missing' : formatBytes(e.bytes)} ${e.path.split(/[\\/]/).pop()}`)];
  return [
    ['model', r.name],
    ['file', r.onnxPath],
    ['kind', `${r.kind} (${r.kindEvidence})`],
    ['type', [r.modelType, r.architecture].filter(Boolean).join(' / ') || 'unknown'],
    ['parameters', formatCount(r.parameters)],
    ['weights', Object.entries(r.weightDtypes).map(([d, w]) => `${d} ${formatCount(w.elements)}`).join(', ') || 'none'],
    ['layers', figure(r.layers, r.sources.layers)],
    ['heads', `query ${figure(r.heads.query, r.sources.heads)} · key/value ${figure(r.heads.keyValue, r.sources.keyValueHeads)}`],
    ['hidden size', figure(r.hiddenSize, r.sources.hiddenSize)],
    ['vocabulary', r.vocabSize === null && r.labels !== null ? `— (${formatCount(r.labels)} classes)` : figure(r.vocabSize, r.sources.vocabSize)],
    ['context', figure(r.contextLength, r.sources.contextLength)],
    ['opsets', r.opsets.map((o) => `${o.domain} ${o.version}`).join(', ')],
    ['IR / producer', `${r.irVersion}${r.producer ? ` / ${r.producer}` : ''}`],
    ['files', `${files.join(' + ')}${r.files.externalData.length ? ` = ${formatBytes(r.files.totalBytes)}` : ''}`],
    ['provider', `${r.provider}${r.providerNote ? ` — ${r.providerNote}` : ''}`],
    ['load time', `${r.loadMs.toFixed(0)} ms`],
  ];
}
