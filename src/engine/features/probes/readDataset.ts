import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { InputError } from '../../errors';
import { openFailure } from '../../../util/readBounded';
import { formatBytes } from '../../../util/format';
import { datasetFromRows, type RawRow } from './datasetRows';
import { MAX_DATASET_BYTES, MAX_DATASET_ROWS, type ProbeDataset } from './datasetTypes';

// A dataset file in the workspace: JSONL (one JSON object a line) or CSV with a header row
// (`text,label`, or `text,spans` with the spans as a JSON list). CSV goes through csv-parse, so
// quoted fields may hold commas, quotes and newlines.

/** Reads, bounds and checks a dataset file; every failure is one line naming the file (and row). */
export function readDataset(path: string): ProbeDataset {
  const ext = extname(path).toLowerCase();
  if (ext !== '.jsonl' && ext !== '.csv') throw new InputError(`${path}: a dataset is a .jsonl or .csv file (or builtin:category, builtin:in-string, builtin:depth).`);
  let bytes: Buffer;
  try {
    const size = statSync(path).size;
    if (size > MAX_DATASET_BYTES) throw new InputError(`${path} is ${formatBytes(size)}; a dataset may be at most ${formatBytes(MAX_DATASET_BYTES)}.`);
    bytes = readFileSync(path);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`${openFailure(path, error)}.`);
  }
  const text = decodeText(path, bytes);
  return datasetFromRows(path, ext === '.jsonl' ? jsonlRows(path, text) : csvRows(path, text));
}

/** UTF-8 text or a one-line refusal naming where the first binary byte is. */
function decodeText(path: string, bytes: Buffer): string {
  const nul = bytes.indexOf(0);
  let bad = nul;
  let text = '';
  if (bad < 0) {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      bad = firstInvalidUtf8(bytes);
    }
  }
  if (bad >= 0) {
    const row = bytes.subarray(0, bad).filter((b) => b === 0x0a).length + 1;
    throw new InputError(`${path} is not a text file: byte 0x${bytes[bad].toString(16).padStart(2, '0')} at offset ${bad} (line ${row}) is not UTF-8 text.`);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function firstInvalidUtf8(bytes: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  // bisect on prefixes: a valid prefix decodes (an incomplete last character passes with stream)
  let lo = 0;
  let hi = bytes.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    try {
      decoder.decode(bytes.subarray(0, mid + 1), { stream: true });
      decoder.decode(); // reset
      lo = mid + 1;
    } catch {
      hi = mid;
    }
  }
  return Math.min(lo, bytes.length - 1);
}

function tooMany(path: string, row: number): InputError {
  return new InputError(`${path} has more than ${MAX_DATASET_ROWS.toLocaleString('en-US')} rows (row ${row.toLocaleString('en-US')} is past the bound); use a sample of the file.`);
}

function jsonlRows(path: string, text: string): RawRow[] {
  const rows: RawRow[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    if (rows.length === MAX_DATASET_ROWS) throw tooMany(path, i + 1);
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new InputError(`${path} row ${i + 1}: not a JSON object (${(error as Error).message}).`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InputError(`${path} row ${i + 1}: not a JSON object ({"text", "label"} or {"text", "spans"}).`);
    rows.push({ row: i + 1, value: value as Record<string, unknown> });
  }
  return rows;
}

function csvRows(path: string, text: string): RawRow[] {
  let records: string[][];
  try {
    // `to` stops parsing one past the bound: a million-row file costs no more than the bound
    records = parse(text, { relax_column_count: false, skip_empty_lines: true, to: MAX_DATASET_ROWS + 2 }) as string[][];
  } catch (error) {
    const e = error as Error & { records?: number };
    const row = e.records === undefined ? '' : ` row ${e.records + 1}`;
    throw new InputError(`${path}${row}: not valid CSV (${e.message}).`);
  }
  if (records.length === 0) return [];
  const header = records[0].map((h) => h.trim().toLowerCase());
  if (!header.includes('text') || (!header.includes('label') && !header.includes('spans'))) {
    throw new InputError(`${path} row 1: the header must name the columns "text" and "label" (or "text" and "spans"); it has ${JSON.stringify(records[0].slice(0, 5))}.`);
  }
  // rows counted as a spreadsheet shows them: the header is row 1, a quoted newline stays in its row
  if (records.length > MAX_DATASET_ROWS + 1) throw tooMany(path, MAX_DATASET_ROWS + 2);
  return records.slice(1).map((record, i) => ({ row: i + 2, value: Object.fromEntries(header.map((h, j) => [h, record[j]])) }));
}
