// One quantity against prefix length, one line per layer. Layer colours are the theme's chart
// colours in turn; the x axis is log₂ because the lengths are powers of two.
import { Chart, LinearScale, LogarithmicScale, LineController, LineElement, PointElement, Tooltip, Legend } from 'chart.js';
import { cssVar, themeColors } from '../shared/theme';
import { lineSeries, themedAxis, themedLineChart, type XyPoint } from '../shared/chartOptions';
import { tickLengths } from './ticks';

Chart.register(LinearScale, LogarithmicScale, LineController, LineElement, PointElement, Tooltip, Legend);

const LAYER_VARS = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow', '--vscode-charts-foreground'];
const FALLBACKS = ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700', '#cccccc'];

export function layerColor(l: number): string {
  return cssVar(LAYER_VARS[l % LAYER_VARS.length], FALLBACKS[l % FALLBACKS.length]);
}

export interface Series {
  title: string;
  lengths: number[];
  nLayers: number;
  /** [length, layer] */
  values: Float32Array;
  min?: number;
  max?: number;
}

export class LayerChart {
  private chart: Chart<'line', XyPoint[]> | undefined;

  constructor(private readonly canvas: HTMLCanvasElement) {}

  /** returns the draw time in ms */
  draw(s: Series): number {
    const t0 = performance.now();
    this.chart?.destroy();
    const c = themeColors();
    // dashes as well as colours, so layers stay apart in high contrast and for colour-blind users
    const datasets = Array.from({ length: s.nLayers }, (_, l) => lineSeries(`layer ${l}`, layerColor(l), l % 2 ? [6, 3] : [], s.lengths.map((n, i) => ({ x: n, y: s.values[i * s.nLayers + l] }))));
    this.chart = themedLineChart(this.canvas, c, datasets, {
      title: (x) => `n = ${x}`,
      x: { ...themedAxis(c, 'prefix length n (tokens, log scale)'), type: 'logarithmic', ticks: { color: c.muted, callback: (v) => String(v) }, afterBuildTicks: (axis) => { axis.ticks = tickLengths(s.lengths).map((value) => ({ value })); } },
      y: { ...themedAxis(c, s.title), min: s.min, max: s.max },
    });
    return performance.now() - t0;
  }
}
