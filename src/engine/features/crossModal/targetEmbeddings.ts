// The target side of a cross-modal map: each class's text through the text LM's tokenizer, and
// the mean of its tokens' input-embedding rows (one row for a one-token text). Special tokens the
// tokenizer adds (BOS) are left out: they are the same for every text.
import { InputError } from '../../errors';
import { escapeControl } from '../../../util/escape';
import type { Matrix } from '../../analyses/matrix';
import type { TextTokenizer } from '../../preprocess/textTokenizer';

export interface TextTargets {
  /** [classes, dModel] */
  targets: Float64Array;
  dModel: number;
  tokens: { id: number; text: string }[][];
}

export function textTargets(tokenizer: TextTokenizer, embedding: Matrix, texts: string[], modelName: string): TextTargets {
  const d = embedding.cols;
  const targets = new Float64Array(texts.length * d);
  const seen = new Map<string, string>();
  const tokens = texts.map((text, c) => {
    const ids = tokenizer.encode(text).filter((t) => !t.special);
    if (ids.length === 0) throw new InputError(`"${escapeControl(text.slice(0, 40))}" has no tokens in ${modelName}'s tokenizer (only special ones).`);
    const key = ids.map((t) => t.id).join(',');
    const twin = seen.get(key);
    if (twin !== undefined) throw new InputError(`"${escapeControl(twin.slice(0, 40))}" and "${escapeControl(text.slice(0, 40))}" are the same tokens in ${modelName}; a class needs a target of its own.`);
    seen.set(key, text);
    for (const t of ids) {
      if (t.id >= embedding.rows) throw new InputError(`token ${t.id} of "${escapeControl(text.slice(0, 40))}" is past ${modelName}'s ${embedding.rows} embedding rows.`);
      for (let j = 0; j < d; j++) targets[c * d + j] += embedding.data[t.id * d + j] / ids.length;
    }
    return ids.map((t) => ({ id: t.id, text: t.text }));
  });
  return { targets, dModel: d, tokens };
}
