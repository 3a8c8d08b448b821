/**
 * Ending a process with everything it started. A grading run is a tree: `course grade` starts
 * Vitest in its own process group, Vitest forks workers, and learner code may spawn more. Killing
 * one process group leaves the others running (an orphaned worker spinning at full CPU), and once
 * a parent is dead its children can no longer be found from it. So the whole tree is listed
 * first, then every process in it and every group it leads is killed.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Every process id below `pid`: children, their children, and so on. */
export function descendantsOf(pid: number): number[] {
  const children = childMap();
  const out: number[] = [];
  const visit = (p: number): void => {
    for (const child of children.get(p) ?? []) {
      if (out.includes(child)) continue;
      out.push(child);
      visit(child);
    }
  };
  visit(pid);
  return out;
}

/**
 * Kills `pid` and all its descendants with SIGKILL, each process and each process group they
 * lead; returns the ids it signalled. A process that is already gone is skipped.
 */
export function killTree(pid: number): number[] {
  const all = [pid, ...descendantsOf(pid)];
  for (const p of all) {
    if (process.platform !== 'win32') signal(-p, 'SIGKILL'); // the group it leads, if any
    signal(p, 'SIGKILL');
  }
  return all;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // gone already, or not a group leader
  }
}

/** Parent → children, from /proc on Linux, else from `ps`. */
function childMap(): Map<number, number[]> {
  const pairs: Array<[number, number]> = [];
  try {
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        pairs.push([Number(name), ppid]);
      } catch {
        // exited while listing
      }
    }
  } catch {
    try {
      const out = execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8' });
      for (const line of out.split('\n')) {
        const [p, pp] = line.trim().split(/\s+/).map(Number);
        if (p !== undefined && pp !== undefined && Number.isFinite(p)) pairs.push([p, pp]);
      }
    } catch {
      // no way to list processes: only the process itself and its group get killed
    }
  }
  const map = new Map<number, number[]>();
  for (const [p, pp] of pairs) map.set(pp, [...(map.get(pp) ?? []), p]);
  return map;
}
