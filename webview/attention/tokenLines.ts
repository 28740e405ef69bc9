// BertViz-style token-to-token lines: queries on the left, keys on the right, one line per weight
// above 2 %. Compact rows in a box of bounded height that scrolls inside itself, so 99 tokens no
// longer make an 1,800-px column. Hovering (or focusing) a token keeps only its lines.
import { el } from '../shared/dom';
import { themeColors } from '../shared/theme';
import { visibleToken } from '../../src/util/format';
import type { TokenInfo } from '../../src/protocol/engine';

/** Lines and per-token labels are drawn only up to this many tokens; the heatmap always. */
export const LINES_MAX_TOKENS = 160;
/** Row height, px: a line of 0.85em monospace text. */
export const LINE_ROW_PX = 14;
/** Width of the canvas between the two columns, px. */
const CANVAS_PX = 120;
/** Weights below this draw no line (the map shows them). */
const MIN_WEIGHT = 0.02;

export interface LinesCallbacks {
  /** weight of query q on key k */
  value(q: number, k: number): number;
  /** a query token (side 'query') or key token (side 'key') is hovered or focused */
  enter(side: 'query' | 'key', i: number, anchor: HTMLElement): void;
  leave(): void;
}

export function renderTokenLines(box: HTMLElement, tokens: TokenInfo[], size: number, maxHeight: number, cb: LinesCallbacks): void {
  if (size > LINES_MAX_TOKENS) {
    box.replaceChildren(el('p', { className: 'muted' }, [`Token-to-token lines are shown up to ${LINES_MAX_TOKENS} tokens; this selection has ${size}. Hover the heatmap instead.`]));
    return;
  }
  const height = size * LINE_ROW_PX;
  const left = el('div', { className: 'line-col left' });
  const right = el('div', { className: 'line-col right' });
  const canvas = el('canvas', { className: 'lines-canvas' }) as HTMLCanvasElement;
  canvas.width = CANVAS_PX * devicePixelRatio;
  canvas.height = height * devicePixelRatio;
  canvas.style.width = `${CANVAS_PX}px`;
  canvas.style.height = `${height}px`;
  const draw = (from?: number, to?: number) => {
    const ctx = canvas.getContext('2d')!;
    ctx.setTransform(devicePixelRatio, 0, 0, devicePixelRatio, 0, 0);
    ctx.clearRect(0, 0, CANVAS_PX, height);
    ctx.strokeStyle = themeColors().accent;
    const focused = from !== undefined || to !== undefined;
    for (let q = 0; q < size; q++) {
      if (from !== undefined && q !== from) continue;
      for (let k = 0; k < size; k++) {
        if (to !== undefined && k !== to) continue;
        const w = cb.value(q, k);
        if (w < MIN_WEIGHT) continue;
        ctx.globalAlpha = Math.min(1, w * (focused ? 1.5 : 1));
        ctx.lineWidth = 1 + 2 * w;
        ctx.beginPath();
        ctx.moveTo(0, q * LINE_ROW_PX + LINE_ROW_PX / 2);
        ctx.lineTo(CANVAS_PX, k * LINE_ROW_PX + LINE_ROW_PX / 2);
        ctx.stroke();
      }
    }
  };
  tokens.slice(0, size).forEach((t, i) => {
    const text = visibleToken(t.text);
    const a = el('span', { className: 'line-token', tabIndex: 0, title: `query ${i}: ${text}` }, [text]);
    const b = el('span', { className: 'line-token', tabIndex: 0, title: `key ${i}: ${text}` }, [text]);
    a.dataset.query = String(i);
    b.dataset.key = String(i);
    const onQ = () => (draw(i, undefined), cb.enter('query', i, a));
    const onK = () => (draw(undefined, i), cb.enter('key', i, b));
    const reset = () => (draw(), cb.leave());
    a.addEventListener('mouseenter', onQ);
    a.addEventListener('focus', onQ);
    b.addEventListener('mouseenter', onK);
    b.addEventListener('focus', onK);
    for (const x of [a, b]) {
      x.addEventListener('mouseleave', reset);
      x.addEventListener('blur', reset);
    }
    left.append(a);
    right.append(b);
  });
  draw();
  const lines = el('div', { className: 'lines', role: 'group', 'aria-label': 'Token-to-token lines: queries on the left, keys on the right; hover or focus a token' }, [left, canvas, right]);
  lines.style.maxHeight = `${maxHeight}px`;
  box.replaceChildren(lines);
}

/**
 * The read-out for a hovered token: the keys a query attends to most, or the queries that attend
 * most to a key, strongest first.
 */
export function lineReadout(side: 'query' | 'key', i: number, tokens: TokenInfo[], size: number, value: (q: number, k: number) => number, top = 3): string {
  const others = Array.from({ length: size }, (_, j) => ({ j, w: side === 'query' ? value(i, j) : value(j, i) }))
    .filter((o) => o.w > 0)
    .sort((x, y) => y.w - x.w)
    .slice(0, top)
    .map((o) => `${o.j} “${visibleToken(tokens[o.j]?.text ?? '')}” ${o.w.toFixed(3)}`);
  const self = `“${visibleToken(tokens[i]?.text ?? '')}”`;
  return side === 'query'
    ? `query ${i} ${self} attends most to keys: ${others.join(' · ') || 'none'}`
    : `key ${i} ${self} is attended most by queries: ${others.join(' · ') || 'none'}`;
}
