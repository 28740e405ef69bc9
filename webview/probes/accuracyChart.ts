// Probe accuracy per layer beside the control task's and the majority baseline. Dashes as well as
// colours, so the three lines stay apart in high contrast and for colour-blind users.
import { Chart, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend } from 'chart.js';
import { cssVar, themeColors } from '../shared/theme';
import { lineSeries, themedAxis, themedLineChart, type XyPoint } from '../shared/chartOptions';
import type { ProbeTrainResult } from '../../src/protocol/probes';

Chart.register(LinearScale, LineController, LineElement, PointElement, Tooltip, Legend);

export class AccuracyChart {
  private chart: Chart<'line', XyPoint[]> | undefined;

  constructor(private readonly canvas: HTMLCanvasElement) {}

  draw(r: ProbeTrainResult): void {
    this.chart?.destroy();
    const c = themeColors();
    const line = (label: string, colour: string, dash: number[], y: (i: number) => number) => lineSeries(label, colour, dash, r.layers.map((l, i) => ({ x: l.layer, y: y(i) })));
    const datasets = [
      line('probe accuracy', c.accent, [], (i) => r.layers[i].accuracy),
      line('control task', cssVar('--vscode-charts-orange', '#d18616'), [6, 3], (i) => r.layers[i].controlAccuracy),
      line('majority baseline', c.muted, [2, 2], () => r.majorityBaseline),
    ];
    // what the chart plots, for the e2e test to compare with the CLI (canvas pixels do not say which layer is which)
    (window as unknown as { __tlProbeChart: unknown }).__tlProbeChart = datasets.map((d) => ({ label: d.label, data: d.data }));
    this.chart = themedLineChart(this.canvas, c, datasets, {
      title: (x) => `layer ${x}`,
      x: { ...themedAxis(c, 'layer (0 = embedding)'), type: 'linear', ticks: { color: c.muted, stepSize: 1, precision: 0 } },
      y: { ...themedAxis(c, 'test accuracy'), min: 0, max: 1 },
    });
  }
}
