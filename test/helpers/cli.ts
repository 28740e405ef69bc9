import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './paths';

export const CLI = join(ROOT, 'dist', 'cli.js');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  /** killed by the hang guard */
  hung: boolean;
}

/**
 * Runs dist/cli.js with stdout and stderr as pipes (as `| wc -c` would see them). `timeoutMs` is
 * a hang guard, not a speed check: generous, and a case that reaches it fails as a hang.
 */
export function runCli(args: string[], o: { env?: NodeJS.ProcessEnv; stdin?: string; timeoutMs?: number; onStderr?: (text: string) => void } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, ...o.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, o.timeoutMs ?? 60_000);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => {
      err.push(b);
      o.onStderr?.(Buffer.concat(err).toString('utf8'));
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), hung });
    });
    child.stdin.end(o.stdin ?? '');
  });
}
