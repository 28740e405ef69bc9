// What the next-token panel says for models that are not decoders (NextTokenResult.objective):
// a masked LM's distribution at a mask, a classifier's classes. Decoders keep the panel's own text.
import type { NextTokenResult } from '../../src/protocol/engine';
import { panelToken } from '../shared/tokenGlyphs';

export function isCausal(r: NextTokenResult): boolean {
  return (r.objective ?? 'causal') === 'causal';
}

/** the position shown first: the last mask, the last token a token classifier labels, else the last token */
export function firstPosition(r: NextTokenResult): number {
  if (r.objective === 'masked' && r.masks?.length) return r.masks[r.masks.length - 1].position;
  if (r.objective === 'token-classification' && r.tokenClasses) {
    for (let i = r.tokens.length - 1; i >= 0; i--) if (!r.tokens[i].special) return i;
  }
  return r.tokens.length - 1;
}

export function tableTitle(r: NextTokenResult): string {
  switch (r.objective) {
    case 'masked':
      return 'Most probable tokens at the mask ';
    case 'sequence-classification':
    case 'token-classification':
      return 'Classes (config.json id2label) ';
    default:
      return 'Most probable next tokens ';
  }
}

/** the line under the chips for position i of a non-causal result */
export function positionInfo(r: NextTokenResult, i: number): string {
  const tok = `“${panelToken(r.tokens[i].text)}”`;
  if (r.objective === 'masked') {
    const masked = r.masks?.some((m) => m.position === i);
    if (masked && r.maskedSelection) return `The selection had no mask, so its last token ${tok} was masked: the model's distribution there, read from both sides (the hidden token is highlighted).`;
    if (masked) return `Distribution at the mask (position ${i}), read from both sides: a masked language model.`;
    return `Distribution at ${tok} (position ${i}) as the model reads it unmasked; put [MASK] (or <mask>) in the text to ask for a token.`;
  }
  if (r.objective === 'sequence-classification') return `The classes the model gives the whole selection (any chip shows the same).`;
  return `The classes the model gives ${tok} (position ${i}).`;
}

/** the token a row is highlighted for: the hidden original where the last token was masked */
export function highlightedId(r: NextTokenResult, i: number): number | undefined {
  if (isCausal(r)) return r.tokens[i + 1]?.id;
  return r.objective === 'masked' && r.maskedSelection ? r.tokens[i]?.id : undefined;
}
