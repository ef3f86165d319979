// The audit's facts from refs data on disk (the schema of shared/corpus/refs, with its optional
// `commits` and `files`), and advisories from a file: offline and reproducible.
import type { RepoRefs } from '../resolve/repo-refs.js';
import { reachabilityFromRefs } from '../resolve/repo-refs.js';
import { createTableRefResolver } from '../resolve/table-ref-resolver.js';
import type { ActionAdvisory, AuditFacts } from './audit-facts.js';
import { manifestKey, reachabilityKey } from './audit-facts.js';
import { createTableTrustSource } from '../trust/table-trust-source.js';

export function createTableAuditFacts(
  repositories: readonly RepoRefs[],
  advisories?: readonly ActionAdvisory[],
): AuditFacts {
  const resolver = createTableRefResolver(repositories);
  const byName = new Map(repositories.map((refs) => [refs.repo.toLowerCase(), refs]));
  const refsOf = (owner: string, repo: string) => byName.get(`${owner}/${repo}`.toLowerCase());
  return {
    resolve: (requests) => resolver.resolve(requests),
    trust: createTableTrustSource(repositories),
    async reachability(questions) {
      return new Map(
        questions.map((question) => {
          const refs = refsOf(question.owner, question.repo);
          return [reachabilityKey(question), refs ? reachabilityFromRefs(refs, question.sha) : 'unknown'] as const;
        }),
      );
    },
    advisories: async () => advisories,
    async manifests(questions) {
      return new Map(
        questions.map((question) => {
          const files = refsOf(question.owner, question.repo)?.files?.[question.sha];
          const folder = question.path ? `${question.path}/` : '';
          const text =
            question.kind === 'workflow'
              ? files?.[question.path ?? '']
              : (files?.[`${folder}action.yml`] ?? files?.[`${folder}action.yaml`]);
          return [manifestKey(question), text] as const;
        }),
      );
    },
  };
}
