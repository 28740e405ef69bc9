import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readModelConfig } from '../engine/modelConfig';
import { nonTextKind } from '../engine/models/modelKind';

export type ModelModality = 'text' | 'vision' | 'audio';

/** The setting a model of each kind is saved to: text commands read tensorloupe.model only. */
export const SETTING_OF: Record<ModelModality, 'model' | 'visionModel' | 'audioModel'> = { text: 'model', vision: 'visionModel', audio: 'audioModel' };

/**
 * Which commands a model folder (or a .onnx inside one) serves, from its config.json and
 * preprocessor_config.json as the engine judges them (models/modelKind.ts): images, sound, or text.
 * Unreadable configs count as text; loading it as text then says what is wrong.
 */
export function modalityOf(path: string): ModelModality {
  let dir = path;
  try {
    if (!statSync(path).isDirectory()) dir = basename(dirname(path)) === 'onnx' ? dirname(dirname(path)) : dirname(path);
  } catch {
    return 'text';
  }
  let config = {};
  try {
    if (existsSync(join(dir, 'config.json'))) config = readModelConfig(join(dir, 'config.json'));
  } catch {
    return 'text';
  }
  const kind = nonTextKind({ dir, config });
  return kind?.modality === 'image' ? 'vision' : kind?.modality === 'audio' ? 'audio' : 'text';
}
