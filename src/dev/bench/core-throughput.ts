// CPU benchmark of the pure core: locate + plan + splice + verify, over the real corpus (as it
// is, and with its SHA pins turned back into tags so every file has work), and over generated
// workflows of growing size to show how the cost scales. Resolution is done once, up front:
// this measures our CPU, not the API.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { Parser, parseDocument } from 'yaml';
import { collectFiles } from '../../cli/collect-files.js';
import { loadRefsDir } from '../../cli/load-refs.js';
import { createTableRefResolver } from '../../resolve/table-ref-resolver.js';
import type { RefKey, Resolution } from '../../resolve/types.js';
import { collectRefRequests } from '../../plan/plan-pins.js';
import { rewriteFile } from '../../plan/rewrite-file.js';
import { locateUsesSites } from '../../workflow/locate-uses-sites.js';
import { locateWorkflowFile } from '../../images/locate-workflow-file.js';
import type { FileKind } from '../../workflow/types.js';
import { availableParallelism } from 'node:os';
import { locateAll } from '../../parallel/locate-in-parallel.js';
import { closeWorkers, workerCount } from '../../parallel/worker-pool.js';
import { writeBenchmarkBlock } from './benchmarks-file.js';
import { median } from './median.js';
import { findVerifiablePins, unpinToTags } from '../fake-github/unpin-to-tags.js';

interface Sample {
  readonly text: string;
  readonly kind: FileKind;
}

const sharedDir = fileURLToPath(new URL('../../../../shared/corpus/', import.meta.url));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      corpus: { type: 'string', default: `${sharedDir}workflows` },
      refs: { type: 'string', default: `${sharedDir}refs` },
      'min-seconds': { type: 'string', default: '2' },
      json: { type: 'boolean', default: false },
      write: { type: 'boolean', default: false },
    },
  });
  const minSeconds = Number(values['min-seconds']);
  const refs = loadRefsDir(values.refs);
  const refsByRepo = new Map(refs.map((entry) => [entry.repo.toLowerCase(), entry]));
  const resolver = createTableRefResolver(refs);

  const files = await Promise.all(
    collectFiles([values.corpus]).files.map(async (file) => ({
      text: await readFile(file.path, 'utf8'),
      kind: file.kind,
    })),
  );
  const unpinned = files.map((file) => {
    const located = locateUsesSites(file.text, file.kind);
    return located.ok
      ? {
          ...file,
          text: unpinToTags(file.text, findVerifiablePins(located.references, refsByRepo), { dropComment: true }),
        }
      : file;
  });

  const generated = [500, 1000, 2000, 5000, 20000].map((steps) => ({ steps, sample: generatedWorkflow(steps) }));
  // Every ref of every input resolved once, before any timing.
  const resolutions = await resolveAll([...files, ...unpinned, ...generated.map(({ sample }) => sample)]);
  const changes = (sample: Sample) => {
    const located = locateUsesSites(sample.text, sample.kind);
    return (
      located.ok &&
      rewriteFile({ text: sample.text, references: located.references, resolutions }).status !== 'unchanged'
    );
  };
  const rows = [
    measure('corpus as committed', files, minSeconds),
    measure(
      '… its files left unchanged',
      files.filter((file) => !changes(file)),
      minSeconds,
    ),
    measure('corpus, SHA pins turned back into tags', unpinned, minSeconds),
    measure('… its rewritten files', unpinned.filter(changes), minSeconds),
  ];
  for (const { steps, sample } of generated)
    rows.push(measure(`generated workflow, ${steps} steps`, [sample], minSeconds));
  const workers = await workerSpeedUp([...unpinned, ...unpinned, ...unpinned, ...unpinned]);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ node: process.version, rows }, null, 2)}\n`);
    return;
  }
  const table = [
    `Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; each row runs pinwarden's pass and each floor — \`parseDocument\` once per file, and the CST-only \`Parser\` — over the same inputs, interleaved pass by pass for at least ${minSeconds} s each after a warm-up; figures are median passes. A ratio of 1.0× means pinwarden handles a file in the time one \`parseDocument\` takes. *before*: the same pass the way it ran before the plain-tree fast path and the proof of safe edits (full parse, every rewrite re-parsed), in the same run.`,
    '',
    '| input | files | bytes | uses | pinned | files/s | MB/s | ms per file | parseDocument files/s | × parseDocument | CST files/s | × CST | before: × parseDocument |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.name} | ${row.files} | ${row.bytes} | ${row.uses} | ${row.pinned} | ${row.filesPerSecond.toFixed(0)} | ${row.megabytesPerSecond.toFixed(2)} | ${row.msPerFile.toFixed(3)} | ${row.parseDocumentFilesPerSecond.toFixed(0)} | ${row.ratioToParseDocument.toFixed(2)}× | ${row.cstFilesPerSecond.toFixed(0)} | ${row.ratioToCst.toFixed(2)}× | ${row.beforeRatioToParseDocument.toFixed(2)}× |`,
    ),
  ].join('\n');
  const speedUp = workers.alone / workers.pooled;
  const floorSpeedUp = workers.floorAlone / workers.floorSplit;
  const withWorkers = `${table}\n\nLocating ${workers.files} files (four copies of the un-pinned corpus) on ${workers.threads} threads (\`locateAll\`, this thread among them, pool warm) against this thread alone, alternating, median of ${workers.rounds}: ${workers.alone.toFixed(0)} ms against ${workers.pooled.toFixed(0)} ms, **${speedUp.toFixed(2)}×** (${availableParallelism()} cores). How far this machine scales such work, in the same rounds: the floor (\`parseDocument\` of the same files, nothing else) on this thread against split evenly over ${workers.threads} threads, ${workers.floorAlone.toFixed(0)} ms against ${workers.floorSplit.toFixed(0)} ms, **${floorSpeedUp.toFixed(2)}×**.`;
  process.stdout.write(`${withWorkers}\n`);
  await closeWorkers();
  if (values.write)
    await writeBenchmarkBlock(
      fileURLToPath(new URL('../../../BENCHMARKS.md', import.meta.url)),
      'core-benchmark',
      'Core: locate + plan + splice + verify',
      withWorkers,
    );

  async function resolveAll(samples: readonly Sample[]): Promise<Map<RefKey, Resolution>> {
    const resolutions = new Map<RefKey, Resolution>();
    for (const sample of samples) {
      const located = locateUsesSites(sample.text, sample.kind);
      if (located.ok)
        for (const [key, value] of await resolver.resolve(collectRefRequests(located.references)))
          resolutions.set(key, value);
    }
    return resolutions;
  }

  function measure(name: string, samples: readonly Sample[], seconds: number) {
    let uses = 0;
    let pinned = 0;
    // `before`: how the core ran before issue 10 — the full parse for locate, every rewrite re-parsed to verify.
    const run = (before: boolean) => () => {
      uses = 0;
      pinned = 0;
      for (const sample of samples) {
        const located = locateUsesSites(sample.text, sample.kind, { fastPath: !before });
        if (!located.ok) continue;
        uses += located.references.length;
        const result = rewriteFile({
          text: sample.text,
          references: located.references,
          resolutions,
          alwaysVerify: before,
        });
        pinned += result.plan.entries.filter((entry) => entry.action === 'pin').length;
      }
    };
    const pass = run(false);
    // The floor, over the same inputs in the same run: one `parseDocument` per file (the full
    // parse pinwarden's locate builds on), and the CST-only `Parser` (tokens, no document).
    const fullParse = () => {
      for (const sample of samples) parseDocument(sample.text);
    };
    const cstParse = () => {
      for (const sample of samples) for (const token of new Parser().parse(sample.text)) void token;
    };
    // Interleaved: one pass of each in turn, round after round, so a slow moment of the machine
    // falls on all four alike; each figure is the median pass.
    const [ours, parse, cst, before] = interleaved([pass, fullParse, cstParse, run(true)], seconds) as [
      number,
      number,
      number,
      number,
    ];
    const bytes = samples.reduce((sum, sample) => sum + Buffer.byteLength(sample.text), 0);
    const filesPerSecond = (secondsPerPass: number) => samples.length / secondsPerPass;
    return {
      name,
      files: samples.length,
      bytes,
      uses,
      pinned,
      filesPerSecond: filesPerSecond(ours),
      megabytesPerSecond: bytes / ours / 1e6,
      msPerFile: (ours * 1000) / samples.length,
      parseDocumentFilesPerSecond: filesPerSecond(parse),
      cstFilesPerSecond: filesPerSecond(cst),
      ratioToParseDocument: parse / ours,
      ratioToCst: cst / ours,
      beforeRatioToParseDocument: parse / before,
    };
  }
}

/**
 * The same batch located on the worker pool and in this thread, in turns; medians in ms. Beside
 * it, how far the machine scales parsing at all: the floor alone (`parseDocument` of every file,
 * nothing else) on this thread against the same files split evenly over as many threads.
 */
async function workerSpeedUp(files: readonly Sample[], rounds = 9) {
  const threads = workerCount();
  const texts = files.map((file) => file.text);
  const helpers = Array.from(
    { length: Math.max(threads - 1, 0) },
    () => new Worker(new URL('./parse-worker.js', import.meta.url)),
  );
  const share = Math.ceil(texts.length / (helpers.length + 1));
  const onHelper = (helper: Worker, part: readonly string[]) =>
    new Promise((resolve) => {
      helper.once('message', resolve);
      helper.postMessage(part);
    });
  const floorSplit = async () => {
    const away = helpers.map((helper, index) =>
      onHelper(helper, texts.slice((index + 1) * share, (index + 2) * share)),
    );
    for (const text of texts.slice(0, share)) parseDocument(text);
    await Promise.all(away);
  };
  const time = async (pass: () => unknown) => {
    const started = performance.now();
    await pass();
    return performance.now() - started;
  };
  const passes = {
    alone: () => files.forEach((file) => locateWorkflowFile(file.text, file.kind)),
    pooled: () => locateAll(files),
    floorAlone: () => texts.forEach((text) => parseDocument(text)),
    floorSplit,
  };
  const times = {
    alone: [] as number[],
    pooled: [] as number[],
    floorAlone: [] as number[],
    floorSplit: [] as number[],
  };
  for (let round = -1; round < rounds; round += 1) {
    for (const [name, pass] of Object.entries(passes) as [keyof typeof passes, () => unknown][]) {
      const took = await time(pass);
      if (round >= 0) times[name].push(took); // round -1 warms every pass up
    }
  }
  await Promise.all(helpers.map((helper) => helper.terminate()));
  return {
    files: files.length,
    threads,
    rounds,
    alone: median(times.alone),
    pooled: median(times.pooled),
    floorAlone: median(times.floorAlone),
    floorSplit: median(times.floorSplit),
  };
}

/**
 * Runs each pass once to warm up, then round after round, each pass once a round, until every
 * pass has had `seconds` (and five rounds at least); gives each pass's median time in seconds.
 */
function interleaved(passes: readonly (() => void)[], seconds: number): number[] {
  for (const pass of passes) pass();
  const times: number[][] = passes.map(() => []);
  let total = 0;
  while (total < seconds * passes.length || times[0]!.length < 5) {
    passes.forEach((pass, index) => {
      const started = process.hrtime.bigint();
      pass();
      const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
      times[index]!.push(elapsed);
      total += elapsed;
    });
  }
  return times.map(median);
}

/** One job with `steps` steps cycling through real actions at tags the refs data holds. */
function generatedWorkflow(steps: number): Sample {
  const actions = [
    'actions/checkout@v4',
    'actions/setup-node@v4',
    'actions/cache@v4',
    'docker/login-action@v3',
    'actions/upload-artifact@v4',
  ];
  const lines = ['name: big', 'on: push', 'jobs:', '  build:', '    runs-on: ubuntu-latest', '    steps:'];
  for (let index = 0; index < steps; index += 1) {
    lines.push(
      `      - name: step ${index}`,
      `        uses: ${actions[index % actions.length]}`,
      '        with:',
      `          key: value-${index}`,
    );
  }
  return { text: `${lines.join('\n')}\n`, kind: 'workflow' };
}

await main();
