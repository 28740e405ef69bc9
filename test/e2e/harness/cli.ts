// Runs the project's CLI (dist/cli.js) the way a user would, to get the engine's own answer for
// the text a test selected in the UI.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './paths';

export interface CliToken {
  id: number;
  text: string;
}

export interface CliNextToken {
  model: string;
  tokens: CliToken[];
  next: Array<CliToken & { prob: number; logit: number }>;
}

export const bundledModel = join(repoRoot, 'models', 'tensorloupe-code-lm');

export function cliNextToken(text: string, topK = 10, model = bundledModel): CliNextToken {
  const out = execFileSync(
    process.execPath,
    [join(repoRoot, 'dist', 'cli.js'), 'next-token', '--model', model, '--top-k', String(topK), '--json', text],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 300_000 },
  );
  return JSON.parse(out) as CliNextToken;
}

export interface CliSurprisal {
  tokens: Array<CliToken & { bits: number; prob: number; rank: number }>;
}

/** `tensorloupe surprisal --json FILE`: every token after the BOS with its bits and rank under the tokens before it. */
export function cliSurprisal(file: string, model = bundledModel): CliSurprisal {
  const out = execFileSync(process.execPath, [join(repoRoot, 'dist', 'cli.js'), 'surprisal', '--model', model, '--json', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
  return JSON.parse(out) as CliSurprisal;
}
