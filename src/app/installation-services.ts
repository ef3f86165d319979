// What each installation's work is handed, made once and kept: its GitHub client (it renews its
// own token; making one per run cost a third of a 1,000-repository dry run), its ref resolver and
// cache (refs of public actions repeat across an org), the audit's facts (made anew each hour so
// the advisory database is fresh) and pin-time trust over them. In a fleet, the resolver and the
// facts go through the shared cache in Redis.
import { LRUCache } from 'lru-cache';
import type { Probot } from 'probot';
import type { AuditFacts } from '../audit/audit-facts.js';
import { BUILT_IN_COMPROMISES } from '../audit/built-in.js';
import { knownGoodOf } from '../audit/known-compromised.js';
import { createGitHubAuditFacts } from '../github/github-audit-facts.js';
import type { GitHubClient } from '../github/github-client.js';
import { createOctokitRefResolver } from '../github/octokit-ref-resolver.js';
import { createCachingResolver } from '../resolve/caching-resolver.js';
import type { RefResolver } from '../resolve/types.js';
import type { SharedCache } from '../scale/shared-cache.js';
import { withSharedAuditFacts, withSharedResolutions } from '../scale/shared-resolutions.js';
import { createPinTrust } from '../trust/pin-trust.js';
import type { PinTrust } from '../trust/pin-trust.js';
import type { SeenTags } from '../trust/sources.js';

/** The audit's facts (advisories above all) are read afresh after this. */
const AUDIT_FACTS_TTL_MS = 60 * 60_000;
/** An installation client is made anew after this. */
const CLIENT_TTL_MS = 10 * 60_000;
/**
 * The installations whose services are kept, the most recently used: each resolver holds up to
 * 10,000 answers, so a replica serving many installations keeps a bounded number of them, not one
 * for every installation it ever ran for (an evicted one is made again at its next run).
 */
export const INSTALLATIONS_KEPT = 100;

export interface InstallationServices {
  client(installationId: number): Promise<GitHubClient>;
  resolver(installationId: number, github: GitHubClient): RefResolver;
  auditFacts(installationId: number, github: GitHubClient): AuditFacts;
  /** Undefined when the facts carry no trust source (tests of pinning alone). */
  trust(installationId: number, github: GitHubClient): PinTrust | undefined;
  /** The installation is gone: nothing of it is kept. */
  forget(installationId: number): void;
}

export function createInstallationServices(
  probot: Probot,
  options: { readonly sharedCache?: SharedCache | undefined; readonly seenTags: SeenTags },
): InstallationServices {
  const clients = new LRUCache<number, { github: Promise<GitHubClient>; at: number }>({ max: INSTALLATIONS_KEPT });
  const resolvers = new LRUCache<number, RefResolver>({ max: INSTALLATIONS_KEPT });
  const facts = new LRUCache<number, { facts: AuditFacts; at: number }>({ max: INSTALLATIONS_KEPT });
  const trusts = new WeakMap<AuditFacts, PinTrust>();
  const services: InstallationServices = {
    client(installationId) {
      const held = clients.get(installationId);
      if (held && Date.now() - held.at < CLIENT_TTL_MS) return held.github;
      const github = probot.auth(installationId) as Promise<GitHubClient>;
      clients.set(installationId, { github, at: Date.now() });
      void github.catch(() => clients.delete(installationId));
      return github;
    },
    resolver(installationId, github) {
      if (!resolvers.get(installationId)) {
        const asked = createOctokitRefResolver(github);
        resolvers.set(
          installationId,
          createCachingResolver(
            options.sharedCache ? withSharedResolutions(asked, options.sharedCache, installationId) : asked,
            { batchWindowMs: 25 },
          ),
        );
      }
      return resolvers.get(installationId)!;
    },
    auditFacts(installationId, github) {
      const held = facts.get(installationId);
      if (held && Date.now() - held.at < AUDIT_FACTS_TTL_MS) return held.facts;
      const asked = createGitHubAuditFacts(github, services.resolver(installationId, github));
      const made = options.sharedCache ? withSharedAuditFacts(asked, options.sharedCache, installationId) : asked;
      facts.set(installationId, { facts: made, at: Date.now() });
      return made;
    },
    trust(installationId, github) {
      const held = services.auditFacts(installationId, github);
      if (!held.trust) return undefined;
      if (!trusts.has(held))
        trusts.set(
          held,
          createPinTrust(held.trust, { seen: options.seenTags, isKnownGood: knownGoodOf(BUILT_IN_COMPROMISES) }),
        );
      return trusts.get(held);
    },
    forget(installationId) {
      resolvers.delete(installationId);
      facts.delete(installationId);
      clients.delete(installationId);
    },
  };
  return services;
}
