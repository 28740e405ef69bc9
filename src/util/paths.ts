import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The package root: the nearest folder above `from` whose package.json is Tensorloupe's. */
export function packageRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'tensorloupe') return dir;
      } catch {
        // keep looking upwards
      }
    }
    const up = dirname(dir);
    if (up === dir) return join(from, '..');
    dir = up;
  }
}

export const DEFAULT_MODEL_NAME = 'tensorloupe-code-lm';

export function defaultModelDir(root = packageRoot()): string {
  return join(root, 'models', DEFAULT_MODEL_NAME);
}

/** Tensorloupe's version, from its package.json. */
export function packageVersion(root = packageRoot()): string {
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The bundled audio model (tensorloupe.audioModel's and classify-audio's default). */
export const DEFAULT_AUDIO_MODEL_NAME = 'tensorloupe-speech-kws';

export function defaultAudioModelDir(root = packageRoot()): string {
  return join(root, 'models', DEFAULT_AUDIO_MODEL_NAME);
}
