import type { TokenInfo, Truncation } from '../protocol/engine';

/**
 * Keeps the last `limit` tokens of a sequence that is too long for the context (the next token
 * depends on the end), keeping a leading BOS so the model still sees a document start.
 */
export function fitToContext(tokens: TokenInfo[], limit: number, bosId: number | undefined): { tokens: TokenInfo[]; truncation: Truncation | null } {
  if (tokens.length <= limit) return { tokens, truncation: null };
  const keepBos = bosId !== undefined && tokens[0]?.id === bosId && limit > 1;
  const tail = tokens.slice(tokens.length - (limit - (keepBos ? 1 : 0)));
  const kept = keepBos ? [tokens[0], ...tail] : tail;
  const dropped = tokens.length - kept.length;
  return {
    tokens: kept,
    truncation: {
      droppedTokens: dropped,
      reason: `The selection has ${tokens.length.toLocaleString('en-US')} tokens; the model read only the last ${kept.length - (keepBos ? 1 : 0)} (limit ${limit}).`,
    },
  };
}

export interface Window {
  /** token range [start, end) of the sequence fed in this window */
  start: number;
  end: number;
  /** prepend the sequence's BOS (token 0) before tokens[start..end) */
  withBos: boolean;
  /** tokens before this index were already scored by an earlier window */
  scoreFrom: number;
}

/**
 * Plans half-overlapping windows over a sequence longer than the context: every token is scored
 * once, and after the first window each scored token sees at least half a context before it.
 */
export function slidingWindows(n: number, context: number, hasBos: boolean): { windows: Window[]; size: number; stride: number } {
  if (n <= context) return { windows: [{ start: 0, end: n, withBos: false, scoreFrom: 0 }], size: context, stride: context };
  const size = context - (hasBos ? 1 : 0); // content tokens per later window
  const stride = Math.max(1, Math.floor(size / 2));
  const windows: Window[] = [{ start: 0, end: context, withBos: false, scoreFrom: 0 }];
  let prevEnd = context;
  while (prevEnd < n) {
    const end = Math.min(prevEnd + stride, n);
    const start = Math.max(hasBos ? 1 : 0, end - size);
    windows.push({ start, end, withBos: hasBos, scoreFrom: prevEnd });
    prevEnd = end;
  }
  return { windows, size, stride };
}
