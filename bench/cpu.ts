import { readdirSync, readFileSync } from 'node:fs';

// Linux counts CPU time in ticks of USER_HZ, which is 100 a second on every usual build.
const TICK_MS = 10;

interface ProcStat {
  pid: number;
  ppid: number;
  command: string;
  cpuMs: number;
}

/** Every process's CPU time so far (user + system), from /proc: a snapshot. */
export function processes(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = read(`/proc/${name}/stat`);
    if (!stat) continue;
    // The command is in parentheses and may hold spaces: the fields follow its last ')'.
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    stats.push({
      pid: Number(name),
      ppid: Number(fields[1]),
      command: stat.slice(stat.indexOf('(') + 1, close),
      cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS,
    });
  }
  return stats;
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    // The process ended between the listing and the read.
    return undefined;
  }
}

/** CPU time, ms, of the processes `pids` and everything they started, in a snapshot. */
export function treeCpuMs(snapshot: ProcStat[], pids: number[]): number {
  const inTree = new Set(pids);
  // Children come after their parent in /proc's order, but a pid may wrap: repeat until stable.
  for (let grew = true; grew;) {
    grew = false;
    for (const p of snapshot) {
      if (!inTree.has(p.pid) && inTree.has(p.ppid)) {
        inTree.add(p.pid);
        grew = true;
      }
    }
  }
  return snapshot.filter((p) => inTree.has(p.pid)).reduce((sum, p) => sum + p.cpuMs, 0);
}

/** CPU time, ms, of every process running `command` (PostgreSQL's are all "postgres"). */
export function commandCpuMs(snapshot: ProcStat[], command: string): number {
  return snapshot.filter((p) => p.command === command).reduce((sum, p) => sum + p.cpuMs, 0);
}
