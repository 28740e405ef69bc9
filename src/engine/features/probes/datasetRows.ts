import { InputError } from '../../errors';
import { escapeControl } from '../../../util/escape';
import { MAX_LABEL_CHARS, OUTSIDE_LABEL, type LabelledSpan, type ProbeDataset } from './datasetTypes';

// Rows of a dataset file (already split by the JSONL or CSV reader) checked one by one, each
// mistake one line naming the file and the row, then gathered into a dataset of one kind.

/** A row as read: `row` is the 1-based row number a user finds in the file (a line for JSONL). */
export interface RawRow {
  row: number;
  value: Record<string, unknown>;
}

function shown(text: string, max = 40): string {
  const s = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(escapeControl(s));
}

function labelOf(value: unknown, where: string): string {
  if (value === undefined || value === null) throw new InputError(`${where}: no "label".`);
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw new InputError(`${where}: "label" must be text or a number.`);
  const label = String(value).trim();
  if (label === '') throw new InputError(`${where}: the label is empty.`);
  if (label.length > MAX_LABEL_CHARS) throw new InputError(`${where}: the label has ${label.length} characters; a label may have at most ${MAX_LABEL_CHARS}.`);
  return label; // kept as text: "<b>" is a label like any other, and the panel inserts it with textContent
}

function spansOf(value: unknown, text: string, where: string): LabelledSpan[] {
  const list = typeof value === 'string' ? parseJsonSpans(value, where) : value;
  if (!Array.isArray(list)) throw new InputError(`${where}: "spans" must be a list of {"start", "end", "label"}.`);
  const spans = list.map((s: unknown, i): LabelledSpan => {
    const at = `${where}, span ${i + 1}`;
    if (typeof s !== 'object' || s === null) throw new InputError(`${at}: must be {"start", "end", "label"}.`);
    const o = s as Record<string, unknown>;
    const { start, end } = o;
    if (!Number.isInteger(start) || !Number.isInteger(end)) throw new InputError(`${at}: "start" and "end" must be whole numbers (character offsets).`);
    const [a, b] = [start as number, end as number];
    if (a < 0 || b > text.length || a >= b) throw new InputError(`${at}: [${a}, ${b}) is out of range; the text has ${text.length} characters and a span needs start < end.`);
    return { start: a, end: b, label: labelOf(o.label, at) };
  });
  const sorted = spans.map((s, i) => ({ ...s, i })).sort((x, y) => x.start - y.start);
  for (let k = 1; k < sorted.length; k++) {
    const [p, q] = [sorted[k - 1], sorted[k]];
    if (q.start < p.end) throw new InputError(`${where}: spans ${p.i + 1} [${p.start}, ${p.end}) and ${q.i + 1} [${q.start}, ${q.end}) overlap.`);
  }
  return sorted.map(({ start, end, label }) => ({ start, end, label }));
}

function parseJsonSpans(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InputError(`${where}: "spans" is not a JSON list (${shown(text)}).`);
  }
}

/** Checks every row and builds the dataset; the kind is the first row's (text+label or text+spans). */
export function datasetFromRows(file: string, rows: RawRow[]): ProbeDataset {
  if (rows.length === 0) throw new InputError(`${file} has no rows; a dataset needs rows of {"text", "label"} or {"text", "spans"}.`);
  const token = rows[0].value.spans !== undefined && rows[0].value.label === undefined;
  const texts: string[] = [];
  const labels: string[] = [];
  const spans: LabelledSpan[][] = [];
  for (const { row, value } of rows) {
    const where = `${file} row ${row}`;
    if (typeof value.text !== 'string') throw new InputError(`${where}: no "text" (each row needs "text" and ${token ? '"spans"' : '"label"'}).`);
    if (value.text.length === 0) throw new InputError(`${where}: the text is empty.`);
    if (token) {
      if (value.label !== undefined) throw new InputError(`${where}: has "label" but the first row has "spans"; a dataset is either sequence-level or token-level.`);
      spans.push(spansOf(value.spans ?? [], value.text, where));
    } else {
      if (value.spans !== undefined) throw new InputError(`${where}: has "spans" but the first row has "label"; a dataset is either sequence-level or token-level.`);
      labels.push(labelOf(value.label, where));
    }
    texts.push(value.text);
  }
  const dataset: ProbeDataset = token ? { task: 'token', name: file, texts, spans, outside: OUTSIDE_LABEL } : { task: 'sequence', name: file, texts, labels };
  checkClasses(dataset);
  return dataset;
}

/** A probe separates classes: one class (however many rows) is refused. */
export function checkClasses(dataset: ProbeDataset): void {
  const classes = new Set(dataset.task === 'sequence' ? dataset.labels : dataset.spans.flat().map((s) => s.label));
  if (dataset.task === 'token' && dataset.outside !== undefined) classes.add(dataset.outside);
  if (classes.size < 2) {
    const only = [...classes][0];
    throw new InputError(`${dataset.name} has only one class${only === undefined ? '' : ` (${shown(only)})`}; a probe needs at least two labels.`);
  }
}
