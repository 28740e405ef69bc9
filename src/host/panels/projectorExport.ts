// The projector's 2-D points as files: JSON in the CLI's `project --out` shape, and CSV for a
// spreadsheet (RFC 4180 quoting, so a token that is a comma, a quote or a newline stays one cell).
import type { ProjectedPoint, ProjectResult } from '../../protocol/projector';

export function pointsJson(r: ProjectResult): string {
  return JSON.stringify({ model: r.model, method: r.method, ...(r.explainedVariance ? { explainedVariance: r.explainedVariance } : {}), points: r.points });
}

/** `category` last: the columns before it are the ones earlier exports had */
const COLUMNS = ['x', 'y', 'id', 'text', 'file', 'line', 'position', 'layer', 'category'] as const;

function cell(v: string | number | undefined): string {
  if (v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function pointsCsv(points: ProjectedPoint[]): string {
  return [COLUMNS.join(','), ...points.map((p) => COLUMNS.map((c) => cell(p[c])).join(','))].join('\r\n') + '\r\n';
}
