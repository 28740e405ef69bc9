// Loss per position on the repeated random tokens: high on the first copy (random tokens are
// unpredictable), low on the second if the model copies. Colours follow the theme.
import { Chart, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { themeColors } from '../shared/theme';
import { STATIC_CHART, themedAxis } from '../shared/chartOptions';

Chart.register(CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip);

export class LossChart {
  private chart: Chart<'line'> | undefined;

  constructor(private readonly canvas: HTMLCanvasElement) {}

  /** loss: [pos − 1] nats predicting token t + 1 from position t; returns draw ms */
  draw(loss: Float32Array, seqLen: number): number {
    const t0 = performance.now();
    this.chart?.destroy();
    const c = themeColors();
    this.chart = new Chart(this.canvas, {
      type: 'line',
      data: {
        labels: Array.from(loss, (_, t) => String(t + 1)),
        datasets: [
          {
            label: 'loss (nats)',
            data: [...loss],
            borderColor: c.accent,
            pointRadius: 0,
            tension: 0,
            segment: { borderColor: (ctx) => (ctx.p0DataIndex >= seqLen ? c.accentSelected : c.accent) },
          },
        ],
      },
      options: {
        ...STATIC_CHART,
        plugins: { legend: { display: false }, tooltip: { callbacks: { title: (items) => `predicting token ${items[0]?.label ?? ''}`, label: (ctx) => `${Number(ctx.raw).toFixed(3)} nats` } } },
        scales: {
          x: { ...themedAxis(c, `position predicted (second copy from ${seqLen + 1}, in the second colour)`), ticks: { color: c.muted, maxTicksLimit: 12 } },
          y: { ...themedAxis(c, 'loss (nats)'), min: 0 },
        },
      },
    });
    return performance.now() - t0;
  }
}
