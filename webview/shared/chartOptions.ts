// Chart.js options every panel chart shares, in the theme's colours.
import { Chart, type ChartOptions, type LegendItem } from 'chart.js';
import type { ThemeColors } from './theme';

/** sized by its container, drawn at once: panels redraw on every result and theme change */
export const STATIC_CHART = { responsive: true, maintainAspectRatio: false, animation: false } as const;

/** the workbench's font at its own size: chart.js's default 12 px reads small beside the panel's text */
export function themedFont(c: ThemeColors) {
  return { family: c.fontFamily, size: c.fontSize };
}

/** an axis with theme-coloured ticks and grid in the theme's font, and a title when given */
export function themedAxis(c: ThemeColors, title?: string) {
  return {
    ticks: { color: c.muted, font: themedFont(c) },
    grid: { color: c.grid },
    ...(title ? { title: { display: true, text: title, color: c.muted, font: themedFont(c) } } : {}),
  };
}

/** Width of a legend swatch: long enough for two dashes of a [6, 3] pattern and a bit. */
const SWATCH_WIDTH = 28;

/**
 * A legend in the theme's foreground colour whose swatches are short lines drawn like their
 * dataset's line (colour, dash). Chart.js's default swatch is a filled box stroked with the
 * dash, which turns a dashed series into a blob indistinguishable from a solid one.
 */
export function themedLegend(c: ThemeColors) {
  return {
    labels: {
      color: c.foreground,
      usePointStyle: true,
      pointStyle: 'line' as const,
      pointStyleWidth: SWATCH_WIDTH,
      generateLabels: (chart: Chart): LegendItem[] =>
        Chart.defaults.plugins.legend.labels.generateLabels(chart).map((item) => {
          // with point styles on, chart.js reads the swatch from the point element, which has no dash
          const ds = chart.data.datasets[item.datasetIndex ?? 0] as { borderColor?: unknown; borderDash?: number[] };
          return { ...item, pointStyle: 'line', lineDash: ds.borderDash ?? [], strokeStyle: typeof ds.borderColor === 'string' ? ds.borderColor : item.strokeStyle, lineWidth: 2 };
        }),
    },
  };
}

export type XyPoint = { x: number; y: number };
type LineScale = NonNullable<ChartOptions<'line'>['scales']>[string];

/** One line of a themed line chart: its colour for line and points, dashed or solid, straight segments. */
export function lineSeries(label: string, colour: string, dash: number[], data: XyPoint[]) {
  return { label, data, borderColor: colour, backgroundColor: colour, borderDash: dash, tension: 0 };
}

/**
 * A line chart of {x, y} series in the theme's colours and font: drawn at once, the dash-aware
 * legend, a tooltip titled `title(x)` listing each series' y to 3 decimals, and the caller's axes
 * (which take themedAxis and add their type, ticks and bounds).
 */
export function themedLineChart(
  canvas: HTMLCanvasElement,
  c: ThemeColors,
  datasets: ReturnType<typeof lineSeries>[],
  axes: { title: (x: string) => string; x: LineScale; y: LineScale },
): Chart<'line', XyPoint[]> {
  return new Chart(canvas, {
    type: 'line',
    data: { datasets },
    options: {
      ...STATIC_CHART,
      plugins: {
        legend: themedLegend(c),
        tooltip: { callbacks: { title: (items) => axes.title(String((items[0]?.raw as XyPoint | undefined)?.x ?? '')), label: (ctx) => `${ctx.dataset.label ?? ''}: ${(ctx.raw as XyPoint).y.toFixed(3)}` } },
      },
      scales: { x: axes.x, y: axes.y },
    },
  });
}
