// CPU time another process has used so far, user and system (Linux: /proc/PID/stat, in clock ticks
// of 10 ms); 0 where /proc cannot be read. Read by the benchmarks for the fakes and the replicas.
import { readFile } from 'node:fs/promises';

export async function cpuSecondsOf(pid: number | undefined): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / 100;
}
