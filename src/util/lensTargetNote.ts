// What the logit-lens panel and the CLI say when a typed target is more than one token: the lens
// traces one token, so a text such as "notarealtoken_zzz" is followed by its first piece only.
import { visibleToken } from './format';

/** Pieces shown in full before the rest are summed up as "… (+N more)". */
const SHOWN_PIECES = 8;

/**
 * null for a single token; otherwise one line naming the pieces and the one traced, e.g.
 * `"notarealtoken_zzz" is 6 tokens (“not” “are” …); tracing the first, “not” (id 996).`
 */
export function lensTargetNote(typed: string | number, pieces: readonly { id: number; text: string }[]): string | null {
  if (pieces.length < 2) return null;
  const shown = pieces.slice(0, SHOWN_PIECES).map((p) => `“${visibleToken(p.text)}”`).join(' ');
  const more = pieces.length > SHOWN_PIECES ? ` … (+${pieces.length - SHOWN_PIECES} more)` : '';
  const what = typeof typed === 'number' ? `#${typed}` : JSON.stringify(typed);
  return `${what} is ${pieces.length} tokens (${shown}${more}); the lens follows one token, so it traces the first, “${visibleToken(pieces[0].text)}” (id ${pieces[0].id}).`;
}
