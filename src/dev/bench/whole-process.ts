// `npm run bench:process`: pinwarden's whole process against the floor of the same work.
// Four copies of the corpus with its SHA pins turned back into tags (so every file has work) are
// written to a temporary folder; then, alternating, five runs each of
//   pinwarden   `pinwarden pin --dry-run --refs ../shared/corpus/refs DIR` (start-up, read,
//               locate, resolve from the refs data, plan, splice, audit, report), and
//   floor       a script that reads each file and parses it once with the same `yaml` package,
// each a fresh `node` process. CPU time is every thread's (workers included), read by the
// process itself at exit (report-cpu.ts); wall time is measured here. Medians are compared.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { collectFiles } from '../../cli/collect-files.js';
import { loadRefsDir } from '../../cli/load-refs.js';
import { locateUsesSites } from '../../workflow/locate-uses-sites.js';
import { writeBenchmarkBlock } from './benchmarks-file.js';
import { median } from './median.js';
import { findVerifiablePins, unpinToTags } from '../fake-github/unpin-to-tags.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');
const corpus = join(repoRoot, '..', 'shared', 'corpus');

const { values } = parseArgs({
  options: {
    copies: { type: 'string', default: '4' },
    runs: { type: 'string', default: '5' },
    write: { type: 'boolean', default: false },
  },
});
const copies = Number(values.copies);
const runs = Number(values.runs);

interface Run {
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly maxRssKb: number;
}

async function timedRun(args: readonly string[], scratch: string, env: Record<string, string> = {}): Promise<Run> {
  const cpuFile = join(scratch, 'cpu.json');
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--import', join(here, 'report-cpu.js'), ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env, PINWARDEN_BENCH_CPU_FILE: cpuFile },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  // `pin` exits 1 when it finds something serious in the corpus (it does): that is a result, not a failure.
  if (code !== 0 && code !== 1) throw new Error(`${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`);
  const usage = JSON.parse(await readFile(cpuFile, 'utf8')) as { cpuSeconds: number; maxRssKb: number };
  return { wallSeconds, ...usage };
}

const scratch = await mkdtemp(join(tmpdir(), 'pinwarden-process-'));
try {
  const refs = loadRefsDir(join(corpus, 'refs'));
  const refsByRepo = new Map(refs.map((entry) => [entry.repo.toLowerCase(), entry]));
  const source = join(corpus, 'workflows');
  const files = collectFiles([source]).files;
  const dir = join(scratch, 'org');
  let count = 0;
  for (let copy = 0; copy < copies; copy += 1) {
    for (const file of files) {
      const text = await readFile(file.path, 'utf8');
      const located = locateUsesSites(text, file.kind);
      const unpinned = located.ok
        ? unpinToTags(text, findVerifiablePins(located.references, refsByRepo), { dropComment: true })
        : text;
      const target = join(dir, `copy-${copy}`, relative(source, file.path));
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, unpinned);
      count += 1;
    }
  }
  const pinwarden = [
    join(repoRoot, 'bin', 'pinwarden.js'),
    'pin',
    '--dry-run',
    '--format',
    'json',
    '--refs',
    join(corpus, 'refs'),
    dir,
  ];
  const floor = [join(here, 'read-and-parse.js'), dir];
  const measured: { pinwarden: Run[]; oneThread: Run[]; floor: Run[] } = { pinwarden: [], oneThread: [], floor: [] };
  await timedRun(floor, scratch);
  await timedRun(pinwarden, scratch);
  for (let run = 0; run < runs; run += 1) {
    measured.pinwarden.push(await timedRun(pinwarden, scratch));
    measured.oneThread.push(await timedRun(pinwarden, scratch, { PINWARDEN_WORKERS: '1' }));
    measured.floor.push(await timedRun(floor, scratch));
  }
  const summary = (list: readonly Run[]) => ({
    wall: median(list.map((run) => run.wallSeconds)),
    cpu: median(list.map((run) => run.cpuSeconds)),
    rssMb: median(list.map((run) => run.maxRssKb)) / 1024,
  });
  // Each round's runs are next to each other, so a ratio is taken within a round and the median of
  // those is shown: this VM's speed drifts by a third between minutes, which medians of each
  // column apart let through (2026-12-07: the floor's median 1.15 s in one sitting, 1.54 s in the next).
  const ratio = (list: readonly Run[], key: 'wallSeconds' | 'cpuSeconds') =>
    `${median(list.map((run, index) => run[key] / measured.floor[index]![key])).toFixed(2)}×`;
  const ours = summary(measured.pinwarden);
  const base = summary(measured.floor);
  const alone = summary(measured.oneThread);
  const table = [
    `Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; ${count} files (${copies} copies of the corpus, SHA pins turned back into tags); medians of ${runs} alternating runs, each a fresh process; a ratio is the median of each round's.`,
    '',
    '| process | wall s | CPU s (all threads) | peak RSS MB |',
    '|---|---:|---:|---:|',
    `| \`pinwarden pin --dry-run --refs …\` | ${ours.wall.toFixed(2)} | ${ours.cpu.toFixed(2)} | ${ours.rssMb.toFixed(0)} |`,
    `| the same, \`PINWARDEN_WORKERS=1\` (this thread alone) | ${alone.wall.toFixed(2)} | ${alone.cpu.toFixed(2)} | ${alone.rssMb.toFixed(0)} |`,
    `| read each file, \`parseDocument\` once | ${base.wall.toFixed(2)} | ${base.cpu.toFixed(2)} | ${base.rssMb.toFixed(0)} |`,
    `| ratio, workers | ${ratio(measured.pinwarden, 'wallSeconds')} | ${ratio(measured.pinwarden, 'cpuSeconds')} | |`,
    `| ratio, one thread | ${ratio(measured.oneThread, 'wallSeconds')} | ${ratio(measured.oneThread, 'cpuSeconds')} | |`,
  ].join('\n');
  process.stdout.write(`${table}\n`);
  if (values.write)
    await writeBenchmarkBlock(
      join(repoRoot, 'BENCHMARKS.md'),
      'process-benchmark',
      'Whole process: `pinwarden pin` against reading and parsing once',
      table,
    );
} finally {
  await rm(scratch, { recursive: true, force: true });
}
