// Chart.js options every panel chart shares, in the theme's colours.
import { Chart, type LegendItem } from 'chart.js';
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
