// Readers for the PyTorch references of user-visible figures in test/fixtures/references/
// (written by models/train/user_references.py from the bundled ONNX files' own weights).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths';

export interface NextTokenPosition {
  entropyBits: number;
  /** absent at the last position */
  nextBits?: number;
  nextRank?: number;
  /** a rival logit within 1e-5 of the target's: float32 may order them either way */
  nearTie?: boolean;
}

export interface NextTokenReference {
  models: Record<string, { text: string; ids: number[]; positions: NextTokenPosition[] }[]>;
}

export interface SurprisalCase {
  model: string;
  context: number;
  text: string;
  ids: number[];
  windows: { start: number; end: number; withBos: boolean; scoreFrom: number }[];
  tokens: { index: number; id: number; bits: number; rank: number; top3: number[]; nearTie?: boolean }[];
  meanBits: number;
}

export interface DilutionCase {
  model: string;
  text: string;
  ids: number[];
  lengths: number[];
  byLength: { length: number; layers: { entropyRatio: number; firstTokenMass: number; residCosine: number }[] }[];
}

export interface ThumbnailCase {
  model: string;
  text: string;
  ids: number[];
  thumbSize: number;
  maps: { layer: number; head: number; u8: number[] }[];
}

export function readReference<T>(file: 'next-token.json' | 'surprisal.json' | 'dilution.json' | 'thumbnails.json'): T {
  return JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'references', file), 'utf8')) as T;
}

export const modelDir = (name: string): string => join(ROOT, 'models', name);
