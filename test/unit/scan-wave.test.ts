// An install wave on plain stand-ins: what it does when part of it fails, and with a read ahead.
import { describe, expect, it } from 'vitest';
import { takeFor } from '../support/pre-reads.js';
import { createPreReads } from '../../src/queue/pre-reads.js';
import { readWave, scanWave } from '../../src/jobs/scan-installation.js';
import type { ScanDeps } from '../../src/jobs/scan-installation.js';
import type { GitHubClient } from '../../src/github/github-client.js';
import type { RefResolver } from '../../src/resolve/types.js';
import type { AuditFacts } from '../../src/audit/audit-facts.js';
import { DEFAULT_CONFIG } from '../../src/config/pinwarden-config.js';

/** A repository as the batched GraphQL read answers it: nothing in it but a default branch. */
const EMPTY_REPOSITORY = {
  id: 'R_1',
  isArchived: false,
  isFork: false,
  isEmpty: false,
  defaultBranchRef: { name: 'main', target: { oid: 'a'.repeat(40) } },
  workflows: null,
  actions: null,
  root: null,
  rootAction: null,
  rootActionYaml: null,
  dependabot: null,
  dependabotYaml: null,
  config: null,
  actionsLock: null,
  pinBranch: null,
  pullRequests: { nodes: [] },
  attention: { nodes: [] },
};

/** A wave's stand-ins that answer every warm-up question with nothing. */
function quietDeps(github: Pick<GitHubClient, 'graphql'>, rest: Partial<ScanDeps> = {}): ScanDeps {
  return {
    github: github as unknown as GitHubClient,
    log: { info: () => {}, warn: () => {} },
    installationId: 1,
    resolver: { resolve: async () => new Map() } as unknown as RefResolver,
    auditFacts: {
      advisories: async () => [],
      reachable: async () => new Map(),
      manifests: async () => new Map(),
    } as unknown as AuditFacts,
    preReads: createPreReads(),
    loadConfig: async () => ({ ok: true, config: DEFAULT_CONFIG }),
    submitAll: async () => {},
    ...rest,
  };
}

describe('an install wave', () => {
  it('fails as a whole when its warm-up fails, and its image reads still pending end without an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const listen = (reason: unknown) => void unhandled.push(reason);
    process.on('unhandledRejection', listen);
    try {
      const deps: ScanDeps = {
        github: { graphql: async () => ({ r0: EMPTY_REPOSITORY }) } as unknown as GitHubClient,
        log: { info: () => {}, warn: () => {} },
        installationId: 1,
        resolver: {
          resolve: async () => {
            throw new Error('resolver down');
          },
        } as unknown as RefResolver,
        auditFacts: {} as AuditFacts,
        preReads: createPreReads(),
        // The image read is still waiting on the config when the warm-up fails, and then fails too.
        loadConfig: () => new Promise((_, reject) => setTimeout(() => reject(new Error('config down')), 30)),
        imageResolverFor: () => ({ ok: false, problem: 'not asked' }),
        submitAll: async () => {},
      };
      await expect(scanWave(deps, ['o/web'])).rejects.toThrow('resolver down');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listen);
    }
  });

  it('reads nothing of its own when its repositories were read ahead', async () => {
    let queries = 0;
    const queued: string[] = [];
    const deps = quietDeps(
      { graphql: (async () => ((queries += 1), { r0: EMPTY_REPOSITORY })) as never },
      {
        submitAll: async (requests) =>
          void queued.push(...requests.map((request) => `${request.owner}/${request.name}`)),
      },
    );
    const ahead = readWave(deps, ['o/web']);
    await ahead;
    expect(queries).toBe(1);
    await scanWave(deps, ['o/web'], ahead);
    expect(queries).toBe(1);
    expect(queued).toEqual(['o/web']);
    // Without a read ahead, the wave reads for itself.
    await scanWave(deps, ['o/web']);
    expect(queries).toBe(2);
  });

  it("reads its repositories' image files ahead too, so its scan asks GitHub nothing and its runs get them", async () => {
    const asked: string[] = [];
    const answers: Record<string, unknown> = {
      pinwardenReadRepositories: { r0: EMPTY_REPOSITORY },
      // The tree holds no image file: listing it is the whole image read.
      pinwardenListTrees: { r0: { object: { entries: [{ path: 'README.md', type: 'blob', size: 5, object: null }] } } },
    };
    const preReads = createPreReads();
    const deps = quietDeps(
      {
        graphql: (async (query: string) => {
          const name = /query (\w+)/.exec(query)![1]!;
          asked.push(name);
          return answers[name];
        }) as never,
      },
      { preReads, imageResolverFor: () => ({ ok: true, resolver: {} as never }) },
    );
    const ahead = readWave(deps, ['o/web']);
    await (
      await ahead
    ).images;
    expect(asked).toEqual(['pinwardenReadRepositories', 'pinwardenListTrees']);
    await scanWave(deps, ['o/web'], ahead);
    expect(asked).toHaveLength(2);
    const kept = await takeFor(preReads, 1, 'o/web', { trigger: 'install', pushed: false });
    expect(kept?.status === 'read' && kept.images?.read.files).toEqual([]);
  });
});
