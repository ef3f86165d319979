// Worker threads give exactly what locating in this thread gives (`uses:` and images), in the
// same order; a small batch, or PINWARDEN_WORKERS=0, never starts a worker. (Needs the build: the worker is dist's.)
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeLocatePool, locateAll, workerChunks, workerCount } from '../../src/parallel/locate-in-parallel.js';
import { locateWorkflowFile } from '../../src/workflow/locate-workflow-file.js';
import { fixturesDir } from '../support/paths.js';

const golden = readdirSync(join(fixturesDir, 'golden'))
  .filter((name) => name.endsWith('.yml'))
  .map((name) => ({ text: readFileSync(join(fixturesDir, 'golden', name), 'utf8'), kind: name.startsWith('action') ? ('action' as const) : ('workflow' as const) }));
const many = Array.from({ length: 40 }, () => golden).flat();
const saved = process.env.PINWARDEN_WORKERS;

afterEach(() => {
  if (saved === undefined) delete process.env.PINWARDEN_WORKERS;
  else process.env.PINWARDEN_WORKERS = saved;
});
afterAll(closeLocatePool);

describe('locating on worker threads', () => {
  it('gives what this thread gives, file by file in order, with workers at work', async () => {
    process.env.PINWARDEN_WORKERS = '3';
    const before = workerChunks();
    const results = await locateAll(many, { minBytes: 0 });
    expect(workerChunks()).toBeGreaterThan(before);
    expect(results).toEqual(many.map((file) => locateWorkflowFile(file.text, file.kind)));
    expect(results.filter((result) => result.ok).length).toBeGreaterThan(many.length / 2);
  });

  it('counts threads from PINWARDEN_WORKERS, else one per core', () => {
    expect(workerCount({ PINWARDEN_WORKERS: '0' })).toBe(0);
    expect(workerCount({ PINWARDEN_WORKERS: '3' })).toBe(3);
    expect(workerCount({})).toBeGreaterThanOrEqual(0);
  });

  it('keeps a small batch, or any batch with PINWARDEN_WORKERS=0, in this thread', async () => {
    const before = workerChunks();
    process.env.PINWARDEN_WORKERS = '0';
    expect(await locateAll(many, { minBytes: 0 })).toEqual(many.map((file) => locateWorkflowFile(file.text, file.kind)));
    delete process.env.PINWARDEN_WORKERS;
    expect(await locateAll(golden.slice(0, 2))).toEqual(golden.slice(0, 2).map((file) => locateWorkflowFile(file.text, file.kind)));
    expect(workerChunks()).toBe(before);
  });
});
