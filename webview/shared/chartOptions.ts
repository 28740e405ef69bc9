// Chart.js options every panel chart shares, in the theme's colours.
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

/** a legend in the theme's foreground colour */
export function themedLegend(c: ThemeColors) {
  return { labels: { color: c.foreground } };
}
