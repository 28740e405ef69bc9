import { InputError } from '../../engine/errors';
import { downloadModel } from '../../engine/hub/downloadModel';
import { stderrProgress } from '../hubProgress';
import type { CliCommand } from '../context';

/**
 * tensorloupe download <repo_id> [--revision R] [--variant V]: fetches the files the variant needs
 * into the Hugging Face cache (progress on stderr) and prints the snapshot folder on stdout, which
 * `--model` accepts (as does the repo id itself).
 */
export const downloadCommand: CliCommand = async (ctx) => {
  if (ctx.args.length !== 1) throw new InputError('download takes exactly one repo id (org/name).');
  const repo = ctx.args[0];
  const controller = new AbortController();
  ctx.signal.onCancel(() => controller.abort());
  const result = await downloadModel({
    repo,
    revision: ctx.options.revision,
    variant: ctx.options.variant,
    signal: controller.signal,
    onProgress: stderrProgress(repo),
  });
  if (result.note) ctx.note(result.note);
  else if (result.fromCache) ctx.note(`${repo} is in the Hugging Face cache (commit ${result.commit.slice(0, 12)}${ctx.options.revision && /^[0-9a-f]{40}$/.test(ctx.options.revision) ? '' : ', current on the Hub'}); nothing downloaded.`);
  ctx.out(result.snapshot);
  return 0;
};
