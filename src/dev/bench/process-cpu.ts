// CPU time another process has used so far, user and system (Linux: /proc/PID/stat, in clock ticks
// of 10 ms); 0 where /proc cannot be read. Read by the benchmarks for the fakes and the replicas,
// and for a run's own main thread.
import { readFile } from 'node:fs/promises';

export async function cpuSecondsOf(pid: number | undefined): Promise<number> {
  return ticksToSeconds(await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => ''));
}

/**
 * This process's main thread alone (its task is the process's id): beside the process's CPU, it
 * says how much ran elsewhere — worker threads, V8's collector and compiler threads. Null where
 * /proc cannot be read.
 */
export async function mainThreadCpuSeconds(): Promise<number | null> {
  const stat = await readFile(`/proc/self/task/${process.pid}/stat`, 'utf8').catch(() => '');
  return stat ? ticksToSeconds(stat) : null;
}

function ticksToSeconds(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / 100;
}
