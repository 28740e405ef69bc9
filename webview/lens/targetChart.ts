// The target token across layers: probability (left axis) and rank (right axis, log scale, 1 at
// the top) — "does the model already have it in mind at layer L?". Colours follow the theme.
import { Chart, CategoryScale, LinearScale, LogarithmicScale, LineController, LineElement, PointElement, Tooltip, Legend } from 'chart.js';
import { themeColors } from '../shared/theme';
import { STATIC_CHART, themedAxis, themedLegend } from '../shared/chartOptions';

Chart.register(CategoryScale, LinearScale, LogarithmicScale, LineController, LineElement, PointElement, Tooltip, Legend);

export interface Trace {
  labels: string[];
  /** [layer] */
  probs: Float32Array;
  /** [layer] 1-based */
  ranks: Int32Array;
}

export class TargetChart {
  private chart: Chart<'line'> | undefined;

  constructor(private readonly canvas: HTMLCanvasElement) {}

  /** returns the draw time in ms */
  draw(t: Trace): number {
    const t0 = performance.now();
    this.chart?.destroy();
    const c = themeColors();
    this.chart = new Chart(this.canvas, {
      type: 'line',
      data: {
        labels: t.labels,
        datasets: [
          { label: 'probability', data: [...t.probs], borderColor: c.accent, backgroundColor: c.accent, yAxisID: 'prob', tension: 0 },
          { label: 'rank', data: [...t.ranks], borderColor: c.accentSelected, backgroundColor: c.accentSelected, borderDash: [5, 4], yAxisID: 'rank', tension: 0 },
        ],
      },
      options: {
        ...STATIC_CHART,
        plugins: {
          legend: themedLegend(c),
          tooltip: { callbacks: { label: (ctx) => (ctx.dataset.label === 'rank' ? `rank ${String(ctx.raw)}` : `p = ${Number(ctx.raw).toFixed(4)}`) } },
        },
        scales: {
          x: { ticks: { color: c.foreground }, grid: { color: c.grid } },
          prob: { ...themedAxis(c, 'probability'), type: 'linear', position: 'left', min: 0, max: 1 },
          rank: { ...themedAxis(c, 'rank (log)'), type: 'logarithmic', position: 'right', reverse: true, min: 1, grid: { display: false } },
        },
      },
    });
    return performance.now() - t0;
  }
}
