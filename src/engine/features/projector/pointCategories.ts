// The projector's "token category" colouring, computed in the engine with the probes' own
// built-in tagger (the TypeScript scanner, builtinTasks.ts): a point is labelled exactly as
// builtin:category would label that token, so the colours and a category probe agree.
import { JSX_FILE, labelSpans, TS_JS_FILE } from '../probes/builtinTasks';
import { firstNonSpace, spanAt } from '../probes/tokenLabels';
import type { LabelledSpan } from '../probes/datasetTypes';
import type { ProjectorText } from '../../../protocol/projector';

/** where a projected token sits: its text, and its UTF-16 range there (start < 0: a token the tokenizer added) */
export interface TokenPlace {
  text: number;
  start: number;
  end: number;
}

/**
 * Each token's category in its own text. Only texts from TS/JS files are tagged (the scanner
 * reads no other language; Python's `#` would come out an operator); other tokens, and the ones
 * the tokenizer added, get none. Each text is scanned once, whole, as a string or comment may
 * span lines.
 */
export function residCategories(texts: ProjectorText[], places: TokenPlace[]): (string | undefined)[] {
  const scanned = new Map<number, LabelledSpan[]>();
  return places.map((t) => {
    const { text, file } = texts[t.text];
    if (file === undefined || !TS_JS_FILE.test(file) || t.start < 0 || t.end <= t.start) return undefined;
    let spans = scanned.get(t.text);
    if (!spans) {
      spans = labelSpans('builtin:category', text, JSX_FILE.test(file));
      scanned.set(t.text, spans);
    }
    return spanAt(spans, firstNonSpace(text, t.start, t.end))?.label;
  });
}

/** A vocabulary token's category: its own text scanned alone, read at its first non-space character (all space: whitespace). */
export function vocabularyCategory(text: string): string | undefined {
  if (text.length === 0) return undefined;
  return spanAt(labelSpans('builtin:category', text), firstNonSpace(text, 0, text.length))?.label;
}
