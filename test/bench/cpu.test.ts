import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { commandCpuMs, processes, treeCpuMs } from '../../bench/cpu';

describe('bench/cpu.ts: CPU time from /proc', () => {
  it("counts a process's children in its tree, and a command's processes by name", async () => {
    // Spins until it has used 300 ms of CPU, says so, then idles until killed.
    const spin =
      'while (process.cpuUsage().user + process.cpuUsage().system < 300_000); ' +
      'console.log("spun"); setInterval(() => {}, 1000)';
    const child = spawn(process.execPath, ['-e', spin], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await once(child.stdout!, 'data');
      const snapshot = processes();
      const own = treeCpuMs(snapshot, [child.pid!]);
      // The kernel counts in 10 ms ticks, by sampling: near 300, not exactly.
      assert.ok(own >= 250 && own <= 400, `the child's own CPU: ${own} ms`);
      assert.ok(
        treeCpuMs(snapshot, [process.pid]) - processCpu(snapshot, process.pid) >= own,
        'the tree of this process holds the child',
      );
      assert.ok(commandCpuMs(snapshot, 'node') >= own, 'every node process, the child among them');
    } finally {
      child.kill();
    }
  });
});

function processCpu(snapshot: ReturnType<typeof processes>, pid: number): number {
  return snapshot.find((p) => p.pid === pid)!.cpuMs;
}
