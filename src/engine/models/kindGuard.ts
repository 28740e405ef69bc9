import { InputError } from '../errors';
import type { LoadedLm } from '../languageModels';
import type { DecoderLm } from '../runners/decoderLm';
import { describeKind, type TextKindName } from './modelKind';

/** What a classifier predicts, for refusals: "2 classes (NEGATIVE, POSITIVE)". */
function predicts(model: LoadedLm): string {
  const lm = model.lm;
  if (lm.kind === 'sequence-classifier' || lm.kind === 'token-classifier') {
    const shown = lm.labels.slice(0, 4).join(', ') + (lm.labels.length > 4 ? ', …' : '');
    return `it predicts ${lm.labels.length} classes (${shown})${lm.kind === 'token-classifier' ? ' per token' : ''}, not tokens`;
  }
  if (lm.kind === 'masked-lm') return 'it predicts masked tokens from both sides, not the next token';
  return 'it predicts the next token';
}

/**
 * The one-line refusal for a feature that does not apply to a model's kind: the model, its kind,
 * the evidence the kind was read from, and why the feature needs another.
 */
export function requireKind(model: LoadedLm, feature: string, kinds: readonly TextKindName[], why: string): void {
  if (kinds.includes(model.lm.kind)) return;
  throw new InputError(`${feature} does not apply to ${model.folder.name}: it is ${describeKind(model.lm.kind)} (${model.kind.evidence}); ${predicts(model)}, and ${why}.`);
}

/** The decoder runner, for features that read a causal next-token prediction (generation, logit lens, induction). */
export function requireDecoder(model: LoadedLm, feature: string, why: string): DecoderLm {
  requireKind(model, feature, ['decoder-lm'], why);
  return model.lm as DecoderLm;
}
