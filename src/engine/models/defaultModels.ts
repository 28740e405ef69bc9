import { join } from 'node:path';
import { packageRoot } from '../../util/paths';

/** The bundled model each modality's commands use when none is named (settings tensorloupe.visionModel / audioModel, CLI --model). */
export const DEFAULT_VISION_MODEL_NAME = 'tensorloupe-glyph-vit';
export const DEFAULT_AUDIO_MODEL_NAME = 'tensorloupe-speech-kws';

export function defaultVisionModelDir(root = packageRoot()): string {
  return join(root, 'models', DEFAULT_VISION_MODEL_NAME);
}

export function defaultAudioModelDir(root = packageRoot()): string {
  return join(root, 'models', DEFAULT_AUDIO_MODEL_NAME);
}
