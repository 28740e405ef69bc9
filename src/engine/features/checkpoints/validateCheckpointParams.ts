import { InputError } from '../../errors';
import { asObject, intIn, listOf, nonEmptyString, optional } from '../../../util/validate';
import { MAX_TEXT_CHARS } from '../../../util/limits';
import { MAX_CHECKPOINTS } from './listCheckpoints';
import type { CheckpointsApi } from '../../../protocol/checkpoints';

// checkpoints/* at the engine's boundary: shape and bounds, one line naming the method and the field.

const PATH_CHARS = 4096;

export const checkpointValidators: { [M in keyof CheckpointsApi]: (raw: unknown) => CheckpointsApi[M][0] } = {
  'checkpoints/compare': (raw) => {
    const m = 'checkpoints/compare';
    const o = asObject(raw, `${m} params`);
    if (o.text !== undefined && typeof o.text !== 'string') throw new InputError(`${m}: text must be text.`);
    if (typeof o.text === 'string' && o.text.length > MAX_TEXT_CHARS) throw new InputError(`${m}: text has ${o.text.length.toLocaleString('en-US')} characters; Tensorloupe reads at most ${MAX_TEXT_CHARS.toLocaleString('en-US')}.`);
    const folders = optional(o.folders, `${m}: folders`, (v, w) => listOf(v, MAX_CHECKPOINTS, w, (f, fw) => nonEmptyString(f, PATH_CHARS, fw)));
    const seqLen = optional(o.seqLen, `${m}: seqLen`, (v, w) => intIn(v, 2, 100_000, w));
    return {
      model: nonEmptyString(o.model, PATH_CHARS, `${m}: model`),
      ...(folders ? { folders } : {}),
      ...(typeof o.text === 'string' ? { text: o.text } : {}),
      ...(seqLen !== undefined ? { seqLen } : {}),
      seed: intIn(o.seed, 0, 2 ** 32 - 1, `${m}: seed`),
    };
  },
};
