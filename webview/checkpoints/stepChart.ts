// Lines against the training step (one per series), theme-coloured; dashes tell series apart
// where colours alone would not (high contrast, colour blindness).
import { Chart, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend } from 'chart.js';
import { themeColors } from '../shared/theme';
import { markColour } from '../shared/markColour';
import { STATIC_CHART, themedAxis, themedLegend } from '../shared/chartOptions';

Chart.register(LinearScale, LineController, LineElement, PointElement, Tooltip, Legend);

export interface StepSeries {
  label: string;
  values: number[];
}

const COLOURS = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow'];
const DASHES = [[], [6, 3], [2, 2], [8, 2, 2, 2]];

export class StepChart {
  private chart: Chart<'line'> | undefined;

  constructor(private readonly canvas: HTMLCanvasElement) {}

  draw(steps: number[], series: StepSeries[], yTitle: string, marker?: number): void {
    this.chart?.destroy();
    const c = themeColors();
    this.chart = new Chart(this.canvas, {
      type: 'line',
      data: {
        datasets: series.map((s, i) => ({
          label: s.label,
          data: steps.map((x, j) => ({ x, y: s.values[j] })),
          // 3:1 off the panel: Light Modern's chart orange (2.9:1) is nudged towards the text colour
          borderColor: markColour(COLOURS[i % COLOURS.length], c.accent),
          backgroundColor: markColour(COLOURS[i % COLOURS.length], c.accent),
          borderDash: DASHES[i % DASHES.length],
          pointRadius: steps.map((x) => (x === marker ? 6 : 3)),
          tension: 0,
        })),
      },
      options: {
        ...STATIC_CHART,
        plugins: { legend: themedLegend(c), tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${Number((ctx.raw as { y: number }).y).toFixed(3)}` } } },
        scales: { x: { ...themedAxis(c, 'training step'), type: 'linear' }, y: themedAxis(c, yTitle) },
      },
    });
  }
}
