// What the projector's "Colour by" means: a group and a colour per point, and the legend that
// names them. Colours are the theme's chart colours (and two terminal colours, for the tagger's
// eight categories), so they follow Dark, Light and High Contrast; each legend row says its label
// in text beside the swatch, with its count, so colour is never the only channel. A theme colour
// too faint on the panel (Light Modern's chart orange is 2.9:1 on white) is moved towards the
// text colour until it stands 3:1 off the background, WCAG's bar for non-text contrast.
import { cssVar } from '../shared/theme';
import { markColour } from '../shared/markColour';
import { el } from '../shared/dom';
import { TOKEN_CATEGORIES, type ProjectedPoint, type PredictResult } from '../../src/protocol/projector';

export type ColourBy = 'none' | 'category' | 'probe' | 'file' | 'layer' | 'row' | 'column' | 'rollout';

/** an image patch's rollout weight (÷ max) in fifths, for colouring Inspect Image's patches */
const ROLLOUT_BINS = ['rollout 0.0–0.2', 'rollout 0.2–0.4', 'rollout 0.4–0.6', 'rollout 0.6–0.8', 'rollout 0.8–1.0'];
const rolloutBin = (w: number): string => ROLLOUT_BINS[Math.min(4, Math.max(0, Math.floor(w * 5)))];

const PALETTE: [string, string][] = [
  ['--vscode-charts-blue', '#3794ff'], ['--vscode-charts-orange', '#d18616'], ['--vscode-charts-green', '#89d185'], ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-red', '#f14c4c'], ['--vscode-charts-yellow', '#cca700'], ['--vscode-terminal-ansiCyan', '#11a8cd'], ['--vscode-terminal-ansiMagenta', '#bc3fbc'],
];

/** the point colours in the current theme, in group order */
export function pointPalette(): string[] {
  return PALETTE.map(([v, fallback]) => markColour(v, fallback));
}

/** points without a label (no category: another language, a token the tokenizer added) */
const UNLABELLED = '(none)';
/** legend rows shown at most; the rest are counted in one line (their colours repeat) */
const LEGEND_ROWS = 16;

export interface Colouring {
  /** group index per point, undefined for one colour */
  groups?: Uint16Array;
  /** CSS colour per group index */
  colours?: string[];
  legend: { label: string; colour: string; count: number }[];
}

/**
 * Groups of the points under `by`. Categories keep one colour each whatever the view (keyword is
 * always the first colour); a probe whose labels are categories uses the same ones, so its
 * predictions and the tagger's categories compare at a glance.
 */
export function colouring(points: ProjectedPoint[], by: ColourBy, prediction: PredictResult | undefined): Colouring {
  if (by === 'none' || (by === 'probe' && !prediction)) return { legend: [] };
  const palette = pointPalette();
  const muted = cssVar('--vscode-descriptionForeground', '#999999');
  const categoryColour = (label: string) => {
    const i = (TOKEN_CATEGORIES as readonly string[]).indexOf(label);
    return i < 0 ? undefined : palette[i % palette.length];
  };
  const keyOf = (p: ProjectedPoint, i: number): string | undefined => {
    if (by === 'category') return p.category;
    if (by === 'probe') return prediction!.labels[prediction!.label[i]];
    if (by === 'file') return p.file;
    if (by === 'row') return p.patch && `row ${p.patch.row}`;
    if (by === 'column') return p.patch && `column ${p.patch.col}`;
    if (by === 'rollout') return p.patch && rolloutBin(p.patch.rollout);
    return p.layer === undefined ? undefined : `layer ${p.layer}`;
  };
  // fixed orders where there is one (categories, the probe's labels), else first appearance
  const order: string[] = by === 'category' ? [...TOKEN_CATEGORIES] : by === 'probe' ? [...prediction!.labels] : by === 'rollout' ? [...ROLLOUT_BINS] : [];
  const index = new Map(order.map((k, i) => [k, i]));
  const counts: number[] = order.map(() => 0);
  const groups = Uint16Array.from(points, (p, i) => {
    const key = keyOf(p, i) ?? UNLABELLED;
    let g = index.get(key);
    if (g === undefined) {
      g = order.length;
      order.push(key);
      index.set(key, g);
      counts.push(0);
    }
    counts[g]++;
    return g;
  });
  const colours = order.map((key, g) => (key === UNLABELLED ? muted : categoryColour(key) ?? palette[g % palette.length]));
  const legend = order.map((label, g) => ({ label, colour: colours[g], count: counts[g] })).filter((row) => row.count > 0);
  return { groups, colours, legend };
}

/** The legend's rows: a swatch in the point colour, the label as text, its count. */
export function renderLegend(list: HTMLElement, legend: Colouring['legend']): void {
  const rows = legend.slice(0, LEGEND_ROWS).map((row) =>
    el('li', { className: 'legend-row' }, [
      el('span', { className: 'swatch', style: `background: ${row.colour}`, 'aria-hidden': 'true' }),
      el('span', { className: 'legend-label mono' }, [row.label]),
      el('span', { className: 'legend-count muted' }, [row.count.toLocaleString('en-US')]),
    ]),
  );
  if (legend.length > LEGEND_ROWS) rows.push(el('li', { className: 'legend-row muted' }, [`and ${legend.length - LEGEND_ROWS} more (their colours repeat)`]));
  list.replaceChildren(...rows);
  list.hidden = rows.length === 0;
}
