// Retrieval of held-out classes' tokens per source layer: each method beside the same fit on
// shuffled pairs and chance. Dashes as well as colours, so the lines stay apart in high contrast
// and for colour-blind users.
import { Chart, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend } from 'chart.js';
import { cssVar, themeColors } from '../shared/theme';
import { lineSeries, themedAxis, themedLineChart, type XyPoint } from '../shared/chartOptions';
import type { CrossModalResult, Retrieval } from '../../src/protocol/crossModal';

Chart.register(LinearScale, LineController, LineElement, PointElement, Tooltip, Legend);

export type RetrievalKey = keyof Retrieval;

export class RetrievalChart {
  private chart: Chart<'line', XyPoint[]> | undefined;

  constructor(private readonly canvas: HTMLCanvasElement, private readonly name: string) {}

  draw(r: CrossModalResult, key: RetrievalKey, yTitle: string): void {
    this.chart?.destroy();
    const c = themeColors();
    const orange = cssVar('--vscode-charts-orange', '#d18616');
    const points = (y: (i: number) => number) => r.layers.map((l, i) => ({ x: l.layer, y: y(i) }));
    const datasets: ReturnType<typeof lineSeries>[] = [];
    if (r.methods.includes('ridge')) {
      datasets.push(lineSeries('ridge', c.accent, [], points((i) => r.layers[i].ridge?.[key] ?? Number.NaN)));
      datasets.push(lineSeries('ridge, shuffled pairs', orange, [2, 2], points((i) => r.layers[i].shuffled.ridge?.[key] ?? Number.NaN)));
    }
    if (r.methods.includes('procrustes')) {
      datasets.push(lineSeries('Procrustes', cssVar('--vscode-charts-green', '#89d185'), [6, 3], points((i) => r.layers[i].procrustes?.[key] ?? Number.NaN)));
      datasets.push(lineSeries('Procrustes, shuffled pairs', cssVar('--vscode-charts-purple', '#b180d7'), [8, 2, 2, 2], points((i) => r.layers[i].shuffled.procrustes?.[key] ?? Number.NaN)));
    }
    datasets.push(lineSeries('chance', c.muted, [1, 3], points(() => r.chance[key])));
    // what the chart plots, for the e2e test to compare with the CLI (canvas pixels do not say which line is which)
    const w = window as unknown as { __tlCrossModalCharts?: Record<string, unknown> };
    w.__tlCrossModalCharts = { ...w.__tlCrossModalCharts, [this.name]: datasets.map((d) => ({ label: d.label, data: d.data })) };
    const labels = new Map(r.layers.map((l) => [l.layer, l.label]));
    this.chart = themedLineChart(this.canvas, c, datasets, {
      title: (x) => `layer ${x} (${labels.get(Number(x)) ?? ''})`,
      x: { ...themedAxis(c, 'source layer'), type: 'linear', ticks: { color: c.muted, stepSize: 1, precision: 0, callback: (v) => `${v} ${labels.get(Number(v)) ?? ''}` } },
      y: { ...themedAxis(c, yTitle), min: 0, max: 1 },
    });
  }
}
