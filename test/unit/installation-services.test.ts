// Each installation's services are kept for its next run, but not for every installation a replica
// ever served: the least recently used are let go past INSTALLATIONS_KEPT.
import type { Probot } from 'probot';
import { describe, expect, it } from 'vitest';
import { INSTALLATIONS_KEPT, createInstallationServices } from '../../src/app/installation-services.js';
import type { GitHubClient } from '../../src/github/github-client.js';
import { createMemorySeenTags } from '../../src/trust/seen-tags.js';

const probot = { auth: async (id: number) => ({ id }) } as unknown as Probot;
const github = {} as GitHubClient;

describe("an installation's services", () => {
  it('are kept across runs, and let go for the least recently used past the bound', async () => {
    const services = createInstallationServices(probot, { seenTags: createMemorySeenTags() });
    const first = services.resolver(1, github);
    const client = services.client(1);
    expect(services.resolver(1, github)).toBe(first);
    expect(services.client(1)).toBe(client);
    for (let id = 2; id <= INSTALLATIONS_KEPT + 1; id += 1) {
      services.resolver(id, github);
      await services.client(id);
    }
    // Installation 1 was the least recently used: its resolver and client were let go.
    expect(services.resolver(1, github)).not.toBe(first);
    expect(services.client(1)).not.toBe(client);
    // One used lately is still held.
    const recent = services.resolver(INSTALLATIONS_KEPT + 1, github);
    expect(services.resolver(INSTALLATIONS_KEPT + 1, github)).toBe(recent);
  });
});
