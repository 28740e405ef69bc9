// Finds processes inside one code-server's process group, e.g. the engine the extension forked.
// Scoping by group (not a bare `pgrep -f`) keeps a test from killing a developer's own engine.
import { execFileSync } from 'node:child_process';

export interface ProcessInfo {
  pid: number;
  args: string;
}

export function processesInGroup(pgid: number): ProcessInfo[] {
  const out = execFileSync('ps', ['-eo', 'pid=,pgid=,stat=,args='], { encoding: 'utf8' });
  const found: ProcessInfo[] = [];
  for (const line of out.split('\n')) {
    const match = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line);
    // Zombies (Z) are dead already; PID 1 here may not reap them.
    if (match && Number(match[2]) === pgid && !match[3].startsWith('Z')) {
      found.push({ pid: Number(match[1]), args: match[4] });
    }
  }
  return found;
}

/** The live engine processes (`dist/engine.js`) of one code-server. */
export function enginePids(pgid: number): number[] {
  return processesInGroup(pgid)
    .filter((p) => p.args.includes('dist/engine.js'))
    .map((p) => p.pid);
}
