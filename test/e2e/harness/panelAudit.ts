// A panel's readability in the current colour theme, measured on the rendered pixels: every piece
// of text it shows against what is behind it (≥ 4.5:1), its marks — bars, swatches, canvases
// (heatmaps, waveforms, charts) — against the panel (≥ 3:1, WCAG's non-text contrast), and the
// focus ring of each kind of control, focused against unfocused (≥ 3:1, WCAG 2.2). Also: which
// kinds of control Tab reaches. (No named functions inside evaluate callbacks: see the README.)
import { readFileSync } from 'node:fs';
import type { Frame, Page } from 'playwright-core';
import { boxContrast, nearestColour, focusRingContrast, solidColours, strongestContrast, type Rgb } from './contrast';
import { contrastRatio } from './colorThemes';
import { decodePng, type Image } from './png';
import type { Workbench } from './workbench';

export interface PanelUnderTest {
  /** its name in reports, and the screenshot's */
  name: string;
  slug: string;
  /** its editor tab's label */
  tab: RegExp;
  /** the panel's document (the webview's inner frame) */
  frame: Frame;
  /** what is measured (the attention panel: its Ablate section); default the whole body */
  root?: string;
  /** elements whose colour is a mark (a bar, a swatch, a colour band): property → ≥ 3:1 on the panel */
  marks?: { selector: string; property: 'backgroundColor' | 'borderTopColor' }[];
  /** canvases of a colour ramp from the panel background up (spectrograms, attention maps): the ground is the theme's, the top stands out */
  ramps?: string;
  /** canvases of marks on a transparent ground (patch maps, waveforms): the strongest mark stands out */
  drawn?: string;
  /** chart.js canvases: every series colour in the legend band (the swatches) stands out */
  charts?: string;
}

export interface ThemeMeasure {
  text: number;
  /** the text with the lowest contrast */
  textWorst: string;
  marks: number;
  focus: number;
  failures: string[];
}

const TEXT_MIN = 4.5;
const MARK_MIN = 3;
/** pixels a solid legend colour fills at least (a dashed 28 × 2 px swatch line fills ~38; anti-aliased text fringes fill fewer) */
const SOLID_PIXELS = 16;

type Box = { x: number; y: number; width: number; height: number };
const css = (rgb: Rgb) => `rgb(${rgb.join(', ')})`;
const parseRgb = (s: string): Rgb => {
  const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/.exec(s);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
};

/** where the panel's viewport lies on the page */
async function frameOffset(frame: Frame): Promise<{ x: number; y: number }> {
  const box = await (await frame.frameElement()).boundingBox();
  if (!box) throw new Error('the panel frame is not on screen');
  return { x: box.x, y: box.y };
}

/** Clicks the panel's tab and waits until its document is shown in the theme whose body selector is given. */
export async function revealPanel(page: Page, p: PanelUnderTest, themeBody: string): Promise<void> {
  await page.locator('.tabs-container .tab', { hasText: p.tab }).first().click();
  await p.frame.locator(themeBody).waitFor({ state: 'attached', timeout: 60_000 });
  await p.frame.locator(p.root ?? 'body').first().waitFor({ state: 'visible', timeout: 60_000 });
  await p.frame.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null)))));
}

/** Text runs (one box per line of each text node), form controls' own boxes, in the frame's viewport, visible and on top. */
function textBoxes(frame: Frame, root: string): Promise<(Box & { text: string })[]> {
  return frame.evaluate((rootSel) => {
    const out: { text: string; x: number; y: number; width: number; height: number }[] = [];
    const top = document.querySelector(rootSel) ?? document.body;
    const walker = document.createTreeWalker(top, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = (n.textContent ?? '').trim();
      const parent = n.parentElement;
      if (!text || !parent || parent.closest('select, option, script, style, [hidden]')) continue;
      // a lone thin stroke ("." "," "-") is a few anti-aliased pixels of no one colour: it says nothing about contrast
      if (/^[._,:;'"`\-·]+$/.test(text)) continue;
      const s = getComputedStyle(parent);
      if (s.visibility !== 'visible' || Number(s.opacity) === 0) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      const clip = parent.getBoundingClientRect();
      for (const r of range.getClientRects()) {
        if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) continue;
        const x0 = Math.max(r.left, clip.left), y0 = Math.max(r.top, clip.top);
        const x1 = Math.min(r.right, clip.right), y1 = Math.min(r.bottom, clip.bottom);
        if (x1 - x0 < 3 || y1 - y0 < 6) continue;
        const hit = document.elementFromPoint((x0 + x1) / 2, (y0 + y1) / 2);
        if (!hit || !(hit === parent || parent.contains(hit))) continue; // under a sticky header, scrolled out of its box
        out.push({ text: text.slice(0, 40), x: x0, y: y0, width: x1 - x0, height: y1 - y0 });
      }
    }
    for (const e of top.querySelectorAll('select, input[type="text"], input[type="number"]')) {
      const r = e.getBoundingClientRect();
      if (r.width > 0 && r.top >= 0 && r.bottom <= innerHeight && r.right <= innerWidth) out.push({ text: `<${e.tagName.toLowerCase()}> ${(e as HTMLInputElement).value}`, x: r.left + 2, y: r.top + 2, width: r.width - 4, height: r.height - 4 });
    }
    return out;
  }, root);
}

/** Canvases and mark elements in view: their boxes, and the colours of the marks. */
function markBoxes(frame: Frame, p: PanelUnderTest) {
  return frame.evaluate((a) => {
    const top = document.querySelector(a.root) ?? document.body;
    const [ramps, drawn, charts] = [a.ramps, a.drawn, a.charts].map((sel) =>
      (sel ? [...top.querySelectorAll(sel)] : [])
        .map((e) => ({ id: e.id || e.className, r: e.getBoundingClientRect() }))
        .filter(({ r }) => r.width > 2 && r.height > 2 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth)
        .map(({ id, r }) => ({ id, x: r.left, y: r.top, width: r.width, height: r.height })));
    return {
      background: getComputedStyle(document.body).backgroundColor,
      ramps,
      drawn,
      charts,
      marks: a.marks.flatMap((m) => [...top.querySelectorAll(m.selector)].filter((e) => e.getClientRects().length > 0).map((e) => ({ what: `${m.selector} ${m.property}`, colour: String(getComputedStyle(e)[m.property as 'color']) }))),
    };
  }, { root: p.root ?? 'body', ramps: p.ramps ?? '', drawn: p.drawn ?? '', charts: p.charts ?? '', marks: p.marks ?? [] });
}

/** Text and marks of the part of the panel in view, on a screenshot of the page. */
async function measureView(frame: Frame, p: PanelUnderTest, img: Image, m: ThemeMeasure, where: string): Promise<void> {
  const o = await frameOffset(frame);
  const at = (b: Box): Box => ({ x: b.x + o.x, y: b.y + o.y, width: b.width, height: b.height });
  for (const t of await textBoxes(frame, p.root ?? 'body')) {
    const c = boxContrast(img, at(t));
    if (c.textPixels === 0 || c.ratio < TEXT_MIN) m.failures.push(`${where}: text ${JSON.stringify(t.text)} ${c.ratio.toFixed(2)}:1, rgb(${c.text}) on rgb(${c.background})${c.textPixels === 0 ? ' (no glyph pixels)' : ''}`);
    if (c.ratio < m.text) [m.text, m.textWorst] = [c.ratio, t.text];
  }
  const k = await markBoxes(frame, p);
  const panel = parseRgb(k.background);
  const mark = (what: string, ratio: number, detail: string) => {
    if (ratio < MARK_MIN) m.failures.push(`${where}: ${what} ${ratio.toFixed(2)}:1 ${detail}`);
    m.marks = Math.min(m.marks, ratio);
  };
  for (const e of k.marks) mark(e.what, contrastRatio(e.colour, k.background), `${e.colour} on ${k.background}`);
  for (const c of k.ramps) {
    // the ramp starts at this theme's background, so its weakest cells come close to it: a map
    // still drawn in the last theme's colours has none near it
    const near = nearestColour(img, at(c), panel);
    if (near.distance > 48) m.failures.push(`${where}: canvas ${c.id} comes no closer to the panel's ${k.background} than ${css(near.colour)} (not redrawn for the theme?)`);
    const s = strongestContrast(img, at(c), panel);
    mark(`canvas ${c.id} (strongest cells)`, s.ratio, `${css(s.colour)} on ${k.background}`);
  }
  for (const c of k.drawn) {
    const s = strongestContrast(img, at(c), panel);
    mark(`canvas ${c.id} (strongest mark)`, s.ratio, `${css(s.colour)} on ${k.background}`);
  }
  for (const c of k.charts) {
    const band = at({ ...c, height: Math.min(c.height, 30) });
    // the series' colours are the theme's chart colours, all chromatic; grey is text and grid lines
    const colours = solidColours(img, band, SOLID_PIXELS).filter((rgb) => Math.max(...rgb) - Math.min(...rgb) >= 40);
    if (colours.length < 1) m.failures.push(`${where}: chart ${c.id} has no legend swatch in its top band`);
    for (const rgb of colours) mark(`chart ${c.id} legend colour`, contrastRatio(css(rgb), k.background), `${css(rgb)} on ${k.background}`);
  }
}

/** the screenshot, decoded, with the pointer off any hover */
async function shot(workbench: Workbench, page: Page, name: string): Promise<Image> {
  await page.mouse.move(0, 0);
  return decodePng(readFileSync(await workbench.screenshot(name)));
}

/**
 * Tags each control of the panel that Tab should reach with its kind (tag, type, first class) in
 * data-tl-kind, and returns one of each kind: [kind, index among the tagged].
 */
function tagControls(frame: Frame, root: string): Promise<{ kinds: string[]; unreachable: string[] }> {
  return frame.evaluate((rootSel) => {
    const top = document.querySelector(rootSel) ?? document.body;
    const kinds = new Set<string>();
    const unreachable: string[] = [];
    for (const e of top.querySelectorAll<HTMLElement>('button, select, input, textarea, a[href], vscode-button, [tabindex], [role="button"], [role="option"], [role="slider"]')) {
      if (e.getClientRects().length === 0 || e.closest('[hidden]') || (e as HTMLButtonElement).disabled) continue;
      const cls = [...e.classList].filter((c) => !['selected', 'pending', 'picked', 'hit', 'beats', 'num'].includes(c))[0];
      const kind = `${e.tagName.toLowerCase()}${e instanceof HTMLInputElement ? `[${e.type}]` : ''}${cls ? `.${cls}` : ''}`;
      // a roving group (layers × heads grid) keeps one cell in the Tab order and moves with the arrows
      const roving = e.tabIndex < 0 && e.parentElement?.querySelector(':scope > [tabindex="0"]');
      if (e.tabIndex < 0 && !roving) unreachable.push(`${kind} "${(e.getAttribute('aria-label') ?? e.textContent ?? '').trim().slice(0, 30)}"`);
      if (e.tabIndex < 0) continue;
      e.dataset.tlKind = kind;
      kinds.add(kind);
    }
    return { kinds: [...kinds], unreachable };
  }, root);
}

/**
 * From the panel's title (clicked, the way a user enters the panel), Tab until every kind of
 * control has had the focus; returns the kinds it reached.
 */
export async function tabReach(page: Page, p: PanelUnderTest): Promise<{ kinds: string[]; reached: string[]; unreachable: string[] }> {
  const { kinds, unreachable } = await tagControls(p.frame, p.root ?? 'body');
  const start = p.root ? `${p.root} h2` : '#title';
  await p.frame.locator(start).first().click();
  const reached = new Set<string>();
  for (let i = 0; i < 120 && reached.size < kinds.length; i++) {
    await page.keyboard.press('Tab');
    const k = await p.frame.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset?.tlKind ?? '');
    if (k) reached.add(k);
  }
  return { kinds, reached: [...reached], unreachable };
}

/** one control of each kind focused (as by Tab) and not: its ring's contrast */
async function measureFocus(page: Page, p: PanelUnderTest, m: ThemeMeasure, where: string): Promise<void> {
  const { kinds } = await tagControls(p.frame, p.root ?? 'body');
  for (const kind of kinds) {
    const el = p.frame.locator(`[data-tl-kind="${kind}"]`).first();
    await el.evaluate((e) => e.scrollIntoView({ block: 'center', inline: 'nearest' }));
    await el.evaluate((e) => (e as HTMLElement).focus({ focusVisible: true } as FocusOptions));
    const visible = await el.evaluate((e) => e.matches(':focus-visible'));
    const b = await el.boundingBox();
    if (!b) continue;
    const vp = page.viewportSize()!;
    const clip = { x: Math.max(0, Math.floor(b.x) - 6), y: Math.max(0, Math.floor(b.y) - 6), width: 0, height: 0 };
    clip.width = Math.min(vp.width, Math.ceil(b.x + b.width) + 6) - clip.x;
    clip.height = Math.min(vp.height, Math.ceil(b.y + b.height) + 6) - clip.y;
    const focused = decodePng(await page.screenshot({ clip }));
    await el.evaluate((e) => (e as HTMLElement).blur());
    const unfocused = decodePng(await page.screenshot({ clip }));
    const perimeter = 2 * (Math.min(b.width, clip.width) + Math.min(b.height, clip.height));
    const ring = focusRingContrast(focused, unfocused, perimeter);
    if (!visible || ring.ratio < MARK_MIN) m.failures.push(`${where}: focus ring of ${kind} ${ring.ratio.toFixed(2)}:1 (${ring.changed} pixels changed, perimeter ${Math.round(perimeter)})${visible ? '' : ', not :focus-visible'}`);
    m.focus = Math.min(m.focus, ring.ratio);
  }
}

/**
 * The panel in the current theme: screenshots (`<name>.png`, and `-2` for a second screen when
 * the panel is taller than its view), text, marks, focus rings.
 */
export async function auditPanel(workbench: Workbench, page: Page, p: PanelUnderTest, themeSlug: string): Promise<ThemeMeasure> {
  const m: ThemeMeasure = { text: Infinity, textWorst: '', marks: Infinity, focus: Infinity, failures: [] };
  const where = `${p.name} (${themeSlug})`;
  if (p.root) await p.frame.locator(p.root).first().evaluate((e) => e.scrollIntoView({ block: 'start' }));
  else await p.frame.evaluate(() => window.scrollTo(0, 0));
  const screens = p.root ? 1 : await p.frame.evaluate(() => Math.min(2, Math.ceil(document.documentElement.scrollHeight / innerHeight)));
  for (let s = 0; s < screens; s++) {
    if (s > 0) await p.frame.evaluate(() => window.scrollTo(0, innerHeight * 0.9));
    await measureView(p.frame, p, await shot(workbench, page, `panel-theme-${p.slug}-${themeSlug}${s ? `-${s + 1}` : ''}`), m, where);
  }
  await measureFocus(page, p, m, where);
  return m;
}
