import { Chart, BarController, BarElement, CategoryScale, LinearScale, Tooltip } from 'chart.js';
import { themeColors } from '../shared/theme';
import { STATIC_CHART, themedAxis, themedFont } from '../shared/chartOptions';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

export interface Bar {
  label: string;
  value: number;
  /** the token that actually came next, drawn in the second colour */
  highlighted: boolean;
}

/** Horizontal bar chart of probabilities; colours follow the theme. */
export class BarChart {
  private chart: Chart<'bar'> | undefined;

  constructor(private readonly canvas: HTMLCanvasElement) {}

  draw(bars: Bar[]): void {
    const c = themeColors();
    const data = {
      labels: bars.map((b) => b.label),
      datasets: [
        {
          data: bars.map((b) => b.value),
          backgroundColor: bars.map((b) => (b.highlighted ? c.accentSelected : c.accent)),
          borderColor: c.border,
          borderWidth: c.border === 'transparent' ? 0 : 1,
        },
      ],
    };
    // a row per bar at the editor's line height, plus the axis and its title
    this.canvas.parentElement!.style.height = `${Math.max(120, bars.length * Math.round(c.editorFontSize * 1.6) + 3 * c.fontSize + 24)}px`;
    if (!this.chart) {
      this.chart = new Chart(this.canvas, {
        type: 'bar',
        data,
        options: {
          indexAxis: 'y',
          ...STATIC_CHART,
          plugins: {
            legend: { display: false },
            tooltip: { callbacks: { label: (ctx) => `p = ${Number(ctx.raw).toFixed(4)}` } },
          },
          scales: {
            x: { ...themedAxis(c, 'probability'), min: 0 },
            y: { ticks: { color: c.foreground, font: { family: c.editorFontFamily, size: c.editorFontSize } }, grid: { display: false } },
          },
        },
      });
    } else {
      this.chart.data = data;
      // a theme change can change the colours and the font sizes
      const scales = this.chart.options.scales as Record<string, { ticks: { color: string; font: object }; grid: { color?: string }; title?: { color: string; font: object } }>;
      scales.x.ticks.color = c.muted;
      scales.x.ticks.font = themedFont(c);
      if (scales.x.title) Object.assign(scales.x.title, { color: c.muted, font: themedFont(c) });
      scales.x.grid.color = c.grid;
      scales.y.ticks.color = c.foreground;
      scales.y.ticks.font = { family: c.editorFontFamily, size: c.editorFontSize };
      this.chart.update();
    }
  }
}
