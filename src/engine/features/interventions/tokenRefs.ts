/** A token the user names: its text (the first piece it encodes to; a note says when there are more)
 * or `#ID` / a number, as `lens --target` takes it. */
import { InputError } from '../../errors';
import { tokenText, type LoadedLm } from '../../languageModels';
import type { TokenRef } from '../../../protocol/interventions';

export function resolveToken(base: LoadedLm, ref: TokenRef, what: string, vocab: number): { id: number; text: string } {
  const asId = typeof ref === 'number' ? ref : /^#\d+$/.test(ref) ? Number(ref.slice(1)) : undefined;
  if (asId !== undefined) {
    if (!Number.isInteger(asId) || asId < 0 || asId >= vocab) throw new InputError(`${what}: token id ${asId} is outside the vocabulary (0–${vocab - 1}).`);
    return { id: asId, text: tokenText(base, asId) };
  }
  const pieces = base.tokenizer.encode(ref as string).filter((t) => !t.special);
  if (!pieces.length) throw new InputError(`${what}: ${JSON.stringify(ref)} encodes to no token; type the token's text (leading space included) or #ID.`);
  return { id: pieces[0].id, text: tokenText(base, pieces[0].id) };
}
