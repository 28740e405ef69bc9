// Token text for panels: whitespace as glyphs a reader can see and tell apart (␣ space, ↵ line
// break, ⇥ tab, ␍ carriage return), drawn in the text's own colour. The CLI and hovers keep
// visibleToken's lighter · and ⏎, which read well in a terminal and in Markdown.
import { visibleToken } from '../../src/util/format';

const GLYPHS: Record<string, string> = { ' ': '␣', '\n': '↵', '\t': '⇥', '\r': '␍' };

export function panelToken(text: string): string {
  return visibleToken(text.replace(/[ \n\t\r]/g, (c) => GLYPHS[c]));
}

/** Undoes panelToken's whitespace glyphs (for tests reading the panel's text back). */
export function fromPanelToken(shown: string): string {
  return shown.replace(/[␣↵⇥␍]/g, (g) => Object.keys(GLYPHS).find((k) => GLYPHS[k] === g) ?? g);
}
