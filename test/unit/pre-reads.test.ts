import { describe, expect, it } from 'vitest';
import { takeFor } from '../support/pre-reads.js';
import { imageReadSettings, keptImageRead } from '../../src/jobs/repository-images.js';
import { createPreReads } from '../../src/queue/pre-reads.js';
import type { ImageFilesRead } from '../../src/github/read-image-files.js';
import { DEFAULT_CONFIG } from '../../src/config/pinwarden-config.js';
import type { RepositoryRead } from '../../src/github/read-repository.js';

const read = (text: string, pinBranch = false): RepositoryRead => ({
  status: 'read',
  repositoryId: 'R_1',
  defaultBranch: 'main',
  headSha: 'a'.repeat(40),
  files: [{ path: '.github/workflows/ci.yml', text }],
  unreadPaths: [],
  unreadable: [],
  dependabot: undefined,
  configText: undefined,
  actionsLock: undefined,
  pinBranch: pinBranch ? { id: 'REF_1', head: 'b'.repeat(40), message: 'pin', parents: [] } : undefined,
  pullRequest: undefined,
  attentionIssue: undefined,
  findingsIssue: undefined,
});

const INSTALL = { trigger: 'install', pushed: false } as const;

describe('the reads a scan keeps for its runs', () => {
  it('serves one install run, young enough, without a pinwarden branch; anything else reads afresh', async () => {
    let now = 0;
    const preReads = createPreReads({ ttlMs: 1_000, now: () => now });
    await preReads.keep(1, 'O/Web', read('a'), 0);
    expect(await takeFor(preReads, 1, 'o/web', INSTALL)).toBeDefined();
    expect(await takeFor(preReads, 1, 'o/web', INSTALL)).toBeUndefined();
    await preReads.keep(1, 'o/web', read('a'), 0);
    expect(await takeFor(preReads, 1, 'o/web', { trigger: 'push', pushed: true })).toBeUndefined();
    expect(await takeFor(preReads, 1, 'o/web', INSTALL)).toBeUndefined();
    // An install run a push joined: the push came after the read.
    await preReads.keep(1, 'o/web', read('a'), 0);
    expect(await takeFor(preReads, 1, 'o/web', { trigger: 'install', pushed: true })).toBeUndefined();
    expect(await takeFor(preReads, 1, 'o/web', INSTALL)).toBeUndefined();
    await preReads.keep(1, 'o/web', read('a', true), 0);
    expect(await takeFor(preReads, 1, 'o/web', INSTALL)).toBeUndefined();
    await preReads.keep(1, 'o/web', read('a'), 0);
    now = 1_000;
    expect(await takeFor(preReads, 1, 'o/web', INSTALL)).toBeUndefined();
  });

  it('holds no more text than its budget, and forgets an installation', async () => {
    const preReads = createPreReads({ budgetBytes: 10 });
    await preReads.keep(1, 'o/a', read('12345678'), Date.now());
    await preReads.keep(1, 'o/b', read('12345678'), Date.now());
    expect(await takeFor(preReads, 1, 'o/b', INSTALL)).toBeUndefined();
    await preReads.keep(2, 'o/c', read('12'), Date.now());
    await preReads.forget(1);
    expect(await takeFor(preReads, 1, 'o/a', INSTALL)).toBeUndefined();
    expect(await takeFor(preReads, 2, 'o/c', INSTALL)).toBeDefined();
  });

  it('counts the image files a read holds in its budget', async () => {
    const preReads = createPreReads({ budgetBytes: 10 });
    const images: ImageFilesRead = {
      files: [{ path: 'Dockerfile', kind: 'dockerfile', text: 'FROM node:20\n' }],
      unreadable: [],
      notes: [],
      also: [],
    };
    const withImages = read('1');
    if (withImages.status !== 'read') throw new Error('a read');
    await preReads.keep(
      1,
      'o/a',
      { ...withImages, images: { settings: imageReadSettings(DEFAULT_CONFIG), read: images } },
      Date.now(),
    );
    expect(await takeFor(preReads, 1, 'o/a', INSTALL)).toBeUndefined();
    await preReads.keep(1, 'o/a', withImages, Date.now());
    expect(await takeFor(preReads, 1, 'o/a', INSTALL)).toBeDefined();
  });

  it('serves its image files to a run whose config chose the same files, and to no other', () => {
    const images: ImageFilesRead = {
      files: [],
      unreadable: [],
      notes: ['kept'],
      also: [{ path: DEFAULT_CONFIG.images.kyverno_path, text: null }],
    };
    const base = read('1');
    if (base.status !== 'read') throw new Error('a read');
    const kept = { ...base, images: { settings: imageReadSettings(DEFAULT_CONFIG), read: images } };
    expect(keptImageRead(kept, DEFAULT_CONFIG)).toBe(images);
    expect(
      keptImageRead(kept, { ...DEFAULT_CONFIG, ignore: { ...DEFAULT_CONFIG.ignore, paths: ['deploy/**'] } }),
    ).toBeUndefined();
    expect(
      keptImageRead(kept, {
        ...DEFAULT_CONFIG,
        images: { ...DEFAULT_CONFIG.images, kyverno_path: 'policy/images.yaml' },
      }),
    ).toBeUndefined();
    expect(keptImageRead(base, DEFAULT_CONFIG)).toBeUndefined();
  });
});

describe('pre-reads over their budget', () => {
  it('look at the oldest reads only, not every read kept, on each keep they refuse', async () => {
    let clockReads = 0;
    const preReads = createPreReads({
      budgetBytes: 1_000,
      now: () => {
        clockReads += 1;
        return 0;
      },
    });
    for (let index = 0; index < 1_000; index += 1) await preReads.keep(1, `octo/r${index}`, read('x'), 0);
    clockReads = 0;
    for (let index = 0; index < 1_000; index += 1) await preReads.keep(1, `octo/late${index}`, read('y'), 0);
    // Before: each refused keep walked all 1,000 kept reads (a million looks in all).
    expect(clockReads).toBeLessThan(5_000);
    expect(await takeFor(preReads, 1, 'octo/r0', INSTALL)).toBeDefined();
    expect(await takeFor(preReads, 1, 'octo/late0', INSTALL)).toBeUndefined();
  });
});
