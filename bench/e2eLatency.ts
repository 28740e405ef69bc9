// Right-click → next-token panel drawn, measured in the e2e browser (code-server + chromium) for
// a 128-token selection: median of 5 warm runs after one warm-up. Prints a table and JSON lines
// `BENCH {"name", "value", "unit"}` like the other benches, for bench/run.mjs to collect.
//
//   node --import tsx bench/e2eLatency.ts       (needs `npm run build`, chromium, code-server)
// Env: BENCH_E2E_TOKENS (default 128), BENCH_E2E_REPEATS (default 5).
//
// Clocks: the click time is taken in the workbench page and the drawn time in the panel's own
// document (window.__tlTimings.drawn, set right after the panel renders a result); both are
// turned into wall-clock ms with performance.timeOrigin, so no polling latency is counted.
import type { Frame, Page } from 'playwright-core';
import { cliNextToken } from '../test/e2e/harness/cli';
import { fixtureText } from '../test/e2e/harness/fixtureText';
import { NextTokenPanel } from '../test/e2e/harness/nextTokenPanel';
import { openSession } from '../test/e2e/harness/session';

const TOKENS = Number(process.env.BENCH_E2E_TOKENS ?? 128);
const REPEATS = Number(process.env.BENCH_E2E_REPEATS ?? 5);
const FILE = 'tokenize.ts';

interface Span { toLine: number; toCol: number; text: string; tokens: number }

/** The prefix of FILE (ending inside a line) that the model's tokenizer splits into TOKENS tokens, BOS included. */
function spanOfTokens(): Span {
  const source = fixtureText(FILE);
  const count = (chars: number): number => cliNextToken(source.slice(0, chars), 1).tokens.length;
  let lo = 1;
  let hi = source.length;
  if (count(hi) < TOKENS) throw new Error(`${FILE} has fewer than ${TOKENS} tokens`);
  while (lo < hi) { // smallest prefix with >= TOKENS tokens
    const mid = (lo + hi) >> 1;
    if (count(mid) >= TOKENS) hi = mid; else lo = mid + 1;
  }
  const text = source.slice(0, lo);
  const lines = text.split('\n');
  return { toLine: lines.length, toCol: lines[lines.length - 1].length + 1, text, tokens: count(lo) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Wall-clock ms of the last mouseup in the workbench (the context-menu item runs on it). */
async function armClickClock(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __tlClick?: number; __tlClickArmed?: boolean };
    w.__tlClick = 0;
    if (w.__tlClickArmed) return;
    w.__tlClickArmed = true;
    document.addEventListener('mouseup', (e) => { w.__tlClick = performance.timeOrigin + e.timeStamp; }, true);
  });
}

async function panelDrawnAt(frame: Frame): Promise<{ drawn: number; draw: number } | null> {
  return frame.evaluate(() => {
    const t = (window as unknown as { __tlTimings?: Record<string, number> }).__tlTimings;
    if (!t || !t.drawn) return null;
    return { drawn: performance.timeOrigin + t.drawn, draw: t.drawn - (t.showReceived ?? t.drawn) };
  });
}

async function main(): Promise<void> {
  const span = spanOfTokens();
  console.error(`e2e bench: ${span.tokens} tokens = ${FILE} up to line ${span.toLine}, column ${span.toCol}`);
  const session = await openSession();
  try {
    const { workbench, page } = session;
    await workbench.openFile(FILE);
    const panel = new NextTokenPanel(page);
    const totals: number[] = [];
    const draws: number[] = [];
    for (let run = 0; run <= REPEATS; run++) {
      await workbench.selectFromLineStart(1, span.toLine, span.toCol);
      await armClickClock(page);
      await workbench.contextMenu('Inspect Next-Token Distribution');
      const clicked = await page.evaluate(() => (window as unknown as { __tlClick?: number }).__tlClick ?? 0);
      await panel.waitDrawnFor(span.tokens);
      const frame = await panel.contentFrame();
      let timing = frame ? await panelDrawnAt(frame) : null;
      // The panel is reused: wait until its drawn time is this run's, not the previous one's.
      const deadline = Date.now() + 60_000;
      while (frame && (!timing || timing.drawn < clicked) && Date.now() < deadline) {
        await page.waitForTimeout(20);
        timing = await panelDrawnAt(frame);
      }
      if (!timing || !clicked) throw new Error('panel exposes no window.__tlTimings.drawn, or the click was not seen');
      if (run === 0) continue; // warm-up: engine start, model load, panel creation
      totals.push(timing.drawn - clicked);
      draws.push(timing.draw);
      console.error(`  run ${run}: right-click → drawn ${(timing.drawn - clicked).toFixed(1)} ms (drawing ${timing.draw.toFixed(1)} ms)`);
    }
    await workbench.screenshot('bench-e2e-latency');
    const rows = [
      { name: `e2e_right_click_to_drawn_ms_${span.tokens}`, value: median(totals), unit: 'ms' },
      { name: `e2e_panel_draw_ms_${span.tokens}`, value: median(draws), unit: 'ms' },
    ];
    console.log(`\ne2e (code-server + chromium), ${span.tokens}-token selection, median of ${REPEATS} warm runs`);
    for (const r of rows) console.log(`  ${r.name.padEnd(36)} ${r.value.toFixed(1).padStart(8)} ${r.unit}`);
    for (const r of rows) console.log(`BENCH ${JSON.stringify({ ...r, samples: r.name.startsWith('e2e_right') ? totals : draws })}`);
  } finally {
    await session.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
