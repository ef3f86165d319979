// Loaded with `node --import` into a process the whole-process benchmark times: at exit it writes
// the process's CPU time (every thread's, workers included) and peak RSS to the file named by
// PINWARDEN_BENCH_CPU_FILE, so the benchmark needs no outside timer.
import { writeFileSync } from 'node:fs';

const target = process.env.PINWARDEN_BENCH_CPU_FILE;
if (target) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(
      target,
      JSON.stringify({ cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6, maxRssKb: usage.maxRSS }),
    );
  });
}
