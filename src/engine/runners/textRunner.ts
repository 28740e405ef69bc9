import type * as ort from 'onnxruntime-node';
import { ModelLoadError } from '../errors';
import type { ModelFolder } from '../modelFolder';
import type { TextTokenizer } from '../preprocess/textTokenizer';
import { textKindOf, type TextKind } from '../models/modelKind';
import { DecoderLm, type DecoderLmOptions } from './decoderLm';
import { MaskedLm } from './maskedLm';
import { Classifier } from './classifier';

/** One runner per text kind; `kind` tells features which (DESIGN.md "Model kinds"). */
export type TextRunner = DecoderLm | MaskedLm | Classifier;

/** The mask tokens of BERT-family tokenizers (WordPiece's and RoBERTa's BPE). */
const MASK_TOKENS = ['[MASK]', '<mask>'];

/** Picks the kind from config.json and the graph (modelKind.ts), and builds its runner. */
export function createTextRunner(
  session: ort.InferenceSession,
  folder: ModelFolder,
  tokenizer: TextTokenizer,
  decoderOptions: DecoderLmOptions = {},
): { runner: TextRunner; kind: TextKind } {
  const logits = session.outputMetadata.find((m) => m.name === 'logits');
  const shape = logits?.isTensor ? logits.shape : undefined;
  const last = shape?.[shape.length - 1];
  const kind = textKindOf(folder.config, { inputs: [...session.inputNames], logitsRank: shape?.length, logitsLast: typeof last === 'number' ? last : undefined });
  switch (kind.kind) {
    case 'decoder-lm':
      return { runner: new DecoderLm(session, folder, decoderOptions), kind };
    case 'masked-lm': {
      const maskId = MASK_TOKENS.map((t) => tokenizer.tokenId(t)).find((id) => id !== undefined);
      if (maskId === undefined) {
        throw new ModelLoadError(`${folder.name} is a masked language model (${kind.evidence}) but its tokenizer.json has no ${MASK_TOKENS.join(' or ')} token to mask with.`);
      }
      return { runner: new MaskedLm(session, folder, tokenizer.vocabSize, maskId), kind };
    }
    default:
      return { runner: new Classifier(session, folder, tokenizer.vocabSize, kind.kind), kind };
  }
}
