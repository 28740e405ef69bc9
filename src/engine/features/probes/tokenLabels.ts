import { InputError } from '../../errors';
import type { HiddenPositions } from '../hiddenStates/collectHiddenStates';
import type { LabelledSpan, ProbeDataset } from './datasetTypes';

// Which collected position is an example, and its class. Token-level: a model token takes the
// label of the span under its first non-space character (a BPE token " foo" is the identifier
// "foo", not the space before it; an all-space token is whitespace); tokens the tokenizer added
// (BOS) are left out, as are tokens outside every span when the dataset has no outside label.
// Sequence-level: one example per text, pooled later.

export interface ProbeExamples {
  /** class names, index = class id, in natural order ("2" before "10") */
  labels: string[];
  /** class of each example */
  y: Int32Array;
  /** the position row (token task) or the text index (sequence task) of each example */
  rows: Int32Array;
  /** text index of each example: the split keeps each text on one side */
  group: Int32Array;
  /** the control task's type of each example: the token id (token task) or the text index */
  type: Int32Array;
}

/** Labels sorted as a person reads them: numbers by value, then text. */
export function sortLabels(labels: Iterable<string>): string[] {
  return [...new Set(labels)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

/** The span covering character `c` of a sorted, non-overlapping list, or undefined. */
export function spanAt(spans: LabelledSpan[], c: number): LabelledSpan | undefined {
  let lo = 0;
  let hi = spans.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid].end <= c) lo = mid + 1;
    else if (spans[mid].start > c) hi = mid - 1;
    else return spans[mid];
  }
  return undefined;
}

/** The first non-space character of [start, end), or start when all are space (the character a token's label is read at). */
export function firstNonSpace(text: string, start: number, end: number): number {
  for (let c = start; c < end; c++) if (!/\s/.test(text[c])) return c;
  return start;
}

export function probeExamples(dataset: ProbeDataset, positions: HiddenPositions): ProbeExamples {
  if (dataset.task === 'sequence') {
    const labels = sortLabels(dataset.labels);
    const index = new Map(labels.map((l, i) => [l, i]));
    const n = dataset.texts.length;
    const texts = Int32Array.from({ length: n }, (_, i) => i);
    return { labels, y: Int32Array.from(dataset.labels, (l) => index.get(l) as number), rows: texts, group: texts, type: texts };
  }
  const names: string[] = [];
  const rows: number[] = [];
  for (let r = 0; r < positions.count; r++) {
    if (positions.special[r] || positions.start[r] < 0 || positions.end[r] <= positions.start[r]) continue;
    const t = positions.textIndex[r];
    const c = firstNonSpace(dataset.texts[t], positions.start[r], positions.end[r]);
    const label = spanAt(dataset.spans[t], c)?.label ?? dataset.outside;
    if (label === undefined) continue;
    names.push(label);
    rows.push(r);
  }
  const labels = sortLabels(names);
  const index = new Map(labels.map((l, i) => [l, i]));
  return {
    labels,
    y: Int32Array.from(names, (l) => index.get(l) as number),
    rows: Int32Array.from(rows),
    group: Int32Array.from(rows, (r) => positions.textIndex[r]),
    type: Int32Array.from(rows, (r) => positions.tokenId[r]),
  };
}

/** Examples per label, in the labels' order. */
export function labelCounts(examples: ProbeExamples): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(examples.labels.map((l) => [l, 0]));
  for (const c of examples.y) counts[examples.labels[c]]++;
  return counts;
}

/** A probe needs two labels to tell apart; one is refused before any model runs (preview) or fits (train). */
export function requireTwoLabels(examples: ProbeExamples, name: string): void {
  if (examples.labels.length < 2) throw new InputError(`${name}: every token has the label ${JSON.stringify(examples.labels[0] ?? '')}; a probe needs at least two labels.`);
}
