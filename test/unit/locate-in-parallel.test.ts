// Worker threads give exactly what locating in this thread gives (`uses:` and images), in the
// same order; a small batch, or PINWARDEN_WORKERS=0, never starts a worker. (Needs the build: the worker is dist's.)
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { readLocalFiles } from '../../src/cli/read-local-files.js';
import {
  locateAll,
  ONE_SHOT_MIN_BYTES,
  PARALLEL_MIN_BYTES,
  workerChunks,
} from '../../src/parallel/locate-in-parallel.js';
import { closeWorkers, workerCount } from '../../src/parallel/worker-pool.js';
import { locateWorkflowFile } from '../../src/images/locate-workflow-file.js';
import { fixturesDir } from '../support/paths.js';
import { tempRepo } from '../support/temp-repo.js';

const golden = readdirSync(join(fixturesDir, 'golden'))
  .filter((name) => name.endsWith('.yml'))
  .map((name) => ({
    text: readFileSync(join(fixturesDir, 'golden', name), 'utf8'),
    kind: name.startsWith('action') ? ('action' as const) : ('workflow' as const),
  }));
const many = Array.from({ length: 40 }, () => golden).flat();
const saved = process.env.PINWARDEN_WORKERS;

afterEach(() => {
  if (saved === undefined) delete process.env.PINWARDEN_WORKERS;
  else process.env.PINWARDEN_WORKERS = saved;
});
afterAll(closeWorkers);

describe('locating on worker threads', () => {
  it('gives what this thread gives, file by file in order, with workers at work', async () => {
    process.env.PINWARDEN_WORKERS = '3';
    const before = workerChunks();
    const results = await locateAll(many, { minBytes: 0 });
    expect(workerChunks()).toBeGreaterThan(before);
    expect(results).toEqual(many.map((file) => locateWorkflowFile(file.text, file.kind)));
    expect(results.filter((result) => result.ok).length).toBeGreaterThan(many.length / 2);
  });

  it("leaves every chunk to the workers when this thread is the App's, busy with other work", async () => {
    process.env.PINWARDEN_WORKERS = '2';
    // Each file larger than a chunk: one chunk a file, so the workers' count is the files'.
    const large = golden.map((file) => ({ ...file, text: `${file.text}\n${'#'.repeat(40 * 1024)}\n` }));
    const before = workerChunks();
    const results = await locateAll(large, { minBytes: 0, thisThread: false });
    expect(workerChunks() - before).toBe(large.length);
    expect(results).toEqual(large.map((file) => locateWorkflowFile(file.text, file.kind)));
  });

  it('counts threads from PINWARDEN_WORKERS, else one per core', () => {
    expect(workerCount({ PINWARDEN_WORKERS: '0' })).toBe(0);
    expect(workerCount({ PINWARDEN_WORKERS: '3' })).toBe(3);
    expect(workerCount({})).toBeGreaterThanOrEqual(0);
  });

  it('keeps a small batch, or any batch with PINWARDEN_WORKERS=0, in this thread', async () => {
    const before = workerChunks();
    process.env.PINWARDEN_WORKERS = '0';
    expect(await locateAll(many, { minBytes: 0 })).toEqual(
      many.map((file) => locateWorkflowFile(file.text, file.kind)),
    );
    delete process.env.PINWARDEN_WORKERS;
    expect(await locateAll(golden.slice(0, 2))).toEqual(
      golden.slice(0, 2).map((file) => locateWorkflowFile(file.text, file.kind)),
    );
    expect(workerChunks()).toBe(before);
  });

  it('the CLI, whose pool is always cold, starts workers only for a batch worth their start-up', async () => {
    process.env.PINWARDEN_WORKERS = '2';
    const workflows = (bytes: number) => {
      const step = '      - uses: actions/checkout@v4\n';
      const text = `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n${step.repeat(Math.ceil((512 * 1024) / step.length))}`;
      return tempRepo(
        Object.fromEntries(
          Array.from({ length: Math.ceil(bytes / text.length) }, (_, index) => [
            `.github/workflows/w${index}.yml`,
            text,
          ]),
        ),
      );
    };
    const before = workerChunks();
    const medium = await readLocalFiles([workflows(4 * PARALLEL_MIN_BYTES)], '/');
    expect(medium.files.every((file) => file.located.ok)).toBe(true);
    expect(workerChunks()).toBe(before);
    const large = await readLocalFiles([workflows(ONE_SHOT_MIN_BYTES + 1)], '/');
    expect(large.files.every((file) => file.located.ok && file.located.references.length > 10_000)).toBe(true);
    expect(workerChunks()).toBeGreaterThan(before);
  });
});
