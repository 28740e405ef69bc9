// Chart.js options every panel chart shares, in the theme's colours.
import type { ThemeColors } from './theme';

/** sized by its container, drawn at once: panels redraw on every result and theme change */
export const STATIC_CHART = { responsive: true, maintainAspectRatio: false, animation: false } as const;

/** an axis with theme-coloured ticks and grid, and a title when given */
export function themedAxis(c: ThemeColors, title?: string) {
  return {
    ticks: { color: c.muted },
    grid: { color: c.grid },
    ...(title ? { title: { display: true, text: title, color: c.muted } } : {}),
  };
}

/** a legend in the theme's foreground colour */
export function themedLegend(c: ThemeColors) {
  return { labels: { color: c.foreground } };
}
