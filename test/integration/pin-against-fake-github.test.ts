// `pinwarden pin --api-url` end to end against the fake GitHub on loopback: real HTTP, real
// Octokit with its throttling and retry, GraphQL executed against GitHub's schema. The corpus
// (../shared/corpus/workflows, copied to a temp folder with its SHA pins turned back into tags)
// is pinned, and the result is checked against ../shared/corpus/refs directly.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findVerifiablePins, unpinToTags } from '../../src/dev/fake-github/unpin-to-tags.js';
import { collectFiles } from '../../src/cli/collect-files.js';
import { createFakeState } from '../../src/dev/fake-github/fake-state.js';
import { secondaryRateLimit, startFakeGitHub } from '../../src/dev/fake-github/fake-github-server.js';
import type { FakeGitHub } from '../../src/dev/fake-github/fake-github-server.js';
import { loadRefsDir } from '../../src/cli/load-refs.js';
import type { RepoRefs } from '../../src/resolve/repo-refs.js';
import { isRemoteRef } from '../../src/workflow/parse-action-ref.js';
import { locateUsesSites } from '../../src/workflow/locate-uses-sites.js';
import type { RemoteRef, UsesReference } from '../../src/workflow/types.js';
import { corpusAvailable, corpusRefsDir, corpusWorkflowsDir } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';
import { tempRepo } from '../support/temp-repo.js';

let refs: RepoRefs[];
let refsByRepo: Map<string, RepoRefs>;
let fake: FakeGitHub;
const env = () => ({ GITHUB_TOKEN: 'fake-token', PINWARDEN_MS_PER_RETRY_SECOND: '5' });

beforeAll(async () => {
  if (!corpusAvailable) return;
  refs = loadRefsDir(corpusRefsDir);
  refsByRepo = new Map(refs.map((entry) => [entry.repo.toLowerCase(), entry]));
  fake = await startFakeGitHub({ state: createFakeState(refs) });
});
afterAll(async () => fake?.close());
afterEach(() => {
  fake?.resetCounts();
  fake?.clearFaults();
});

async function referencesIn(root: string): Promise<{ path: string; references: readonly UsesReference[] }[]> {
  const { files } = collectFiles([root]);
  return files.map((file) => {
    const located = locateUsesSites(readFileSync(file.path, 'utf8'), file.kind);
    if (!located.ok) return { path: relative(root, file.path), references: [] };
    return { path: relative(root, file.path), references: located.references };
  });
}

/** A copy of the corpus whose verifiable `@sha # tag` pins are back to `@tag`. */
async function unpinnedCorpus(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'pinwarden-corpus-'));
  cpSync(corpusWorkflowsDir, root, { recursive: true });
  for (const file of collectFiles([root]).files) {
    const text = readFileSync(file.path, 'utf8');
    const located = locateUsesSites(text, file.kind);
    if (located.ok)
      writeFileSync(
        file.path,
        unpinToTags(text, findVerifiablePins(located.references, refsByRepo), { dropComment: true }),
      );
  }
  return root;
}

function versionDepth(name: string): number {
  return name.replace(/^v/, '').split('.').length;
}

describe.skipIf(!corpusAvailable)('pinwarden pin --api-url (fake GitHub)', () => {
  it('pins every covered ref of the corpus to the commit the refs data names, and reports the rest', async () => {
    const root = await unpinnedCorpus();
    const before = await referencesIn(root);
    const { code, stdout } = await runCli(['pin', '--api-url', fake.url, '--format', 'json'], root, env());
    const report = JSON.parse(stdout) as {
      files: { path: string; skipped?: { line: number; uses: string; reason: string }[] }[];
      summary: { pinned: number; unpinned: number };
    };
    const after = new Map((await referencesIn(root)).map((file) => [file.path, file.references]));

    let covered = 0;
    let reported = 0;
    const problems: string[] = [];
    for (const file of before) {
      for (const { site, ref } of file.references) {
        if (!isRemoteRef(ref) || ref.refKind === 'full-sha') continue;
        const now = after.get(file.path)?.find((candidate) => candidate.site.line === site.line);
        const data = refsByRepo.get(`${ref.owner}/${ref.repo}`.toLowerCase());
        const tag = data?.tags.find((candidate) => candidate.name === ref.ref);
        const branch = data?.branches.find((candidate) => candidate.name === ref.ref);
        const expected = tag?.sha ?? branch?.sha;
        if (expected === undefined) {
          // Not covered by the refs data: left as written and reported with a reason.
          const skip = report.files
            .find((entry) => join(root, entry.path) === join(root, file.path) || entry.path.endsWith(file.path))
            ?.skipped?.find((entry) => entry.line === site.line);
          if (now?.site.value !== site.value || !skip?.reason)
            problems.push(`${file.path}:${site.line} ${site.value} was not left alone and reported`);
          reported += 1;
          continue;
        }
        covered += 1;
        const pinned = now?.ref as RemoteRef | undefined;
        if (pinned?.ref !== expected) {
          problems.push(`${file.path}:${site.line} ${site.value} → ${now?.site.value}, expected @${expected}`);
          continue;
        }
        if (tag) {
          // The tag a released tag-pin names must point at the same commit and be at least as specific.
          const commentTag = now?.site.comment?.text.replace(/^#\s*/, '').split(/\s+/)[0] ?? '';
          const commentData = data?.tags.find((candidate) => candidate.name === commentTag);
          if (commentData?.sha !== expected || versionDepth(commentTag) < versionDepth(ref.ref))
            problems.push(
              `${file.path}:${site.line} comment "${commentTag}" does not name ${ref.ref}'s commit as precisely`,
            );
          // and no more specific release tag on that commit was passed over
          const moreSpecific = data!.tags.filter(
            (candidate) =>
              candidate.sha === expected &&
              /^v?\d+(\.\d+)*$/.test(candidate.name) &&
              candidate.name.startsWith(ref.ref) &&
              versionDepth(candidate.name) > versionDepth(commentTag),
          );
          if (moreSpecific.length > 0)
            problems.push(
              `${file.path}:${site.line} comment ${commentTag} but ${moreSpecific[0]!.name} is more specific`,
            );
        } else if (now?.site.comment?.text !== `# ${ref.ref}`) {
          problems.push(`${file.path}:${site.line} branch pin without a "# ${ref.ref}" comment`);
        }
      }
    }
    const counts = fake.counts();
    const uniqueRefs = new Set(
      before.flatMap((file) =>
        file.references.flatMap(({ ref }) =>
          isRemoteRef(ref) ? [`${ref.owner}/${ref.repo}@${ref.ref}`.toLowerCase()] : [],
        ),
      ),
    ).size;
    console.info(
      `corpus via API: ${covered} covered refs pinned, ${reported} reported; ${uniqueRefs} unique refs cost ${counts.total} requests ${JSON.stringify(counts.byKind)}`,
    );
    expect(problems).toEqual([]);
    expect(covered).toBeGreaterThan(700);
    expect(reported).toBeGreaterThan(0);
    expect(code).toBe(1);
    expect(report.summary.pinned).toBe(covered);
    expect(counts.byKind['rest-write']).toBe(0);
    // One query a hundred refs, and one more for the `v` twins of version tags a repository lacks;
    // the audit of the result asks its own few questions (comment tags, reachability, advisories,
    // manifests), batched as well.
    console.info(`pin and its audit: ${JSON.stringify(counts.byRoute)}`);
    const pinning = fake.requests
      .filter((request) => request.route.endsWith('(PinwardenRefs)'))
      .slice(0, Math.ceil(uniqueRefs / 100) + 1);
    expect(pinning.length).toBeLessThanOrEqual(Math.ceil(uniqueRefs / 100) + 1);
    // Pin-time trust: one REST call (releases) per action repository, the listings batched twenty
    // repositories a query, and compare in at most two rounds (issue 25's budget: 2 GraphQL + 1 REST a repository).
    const repositories = new Set(
      before.flatMap((file) =>
        file.references.flatMap(({ ref }) => (isRemoteRef(ref) ? [`${ref.owner}/${ref.repo}`.toLowerCase()] : [])),
      ),
    ).size;
    const trustRest = counts.byRoute['GET /repos/{owner}/{repo}/releases'] ?? 0;
    const trustGraphql =
      (counts.byRoute['POST /graphql (pinwardenTrustListing)'] ?? 0) +
      (counts.byRoute['POST /graphql (pinwardenTrustCompare)'] ?? 0);
    expect(trustRest).toBeGreaterThan(0);
    expect(trustRest).toBeLessThanOrEqual(repositories);
    expect(trustGraphql).toBeLessThanOrEqual(Math.ceil(repositories / 20) + 2);
    expect(counts.total - trustRest - trustGraphql).toBeLessThanOrEqual(Math.ceil(uniqueRefs / 100) + 1 + 12);
  });

  it('gives the same answers as the offline refs resolver', async () => {
    const root = await unpinnedCorpus();
    const copy = mkdtempSync(join(tmpdir(), 'pinwarden-offline-'));
    cpSync(root, copy, { recursive: true });
    await runCli(['pin', '--api-url', fake.url], root, env());
    await runCli(['pin', '--refs', corpusRefsDir], copy);
    for (const file of collectFiles([root]).files) {
      expect(readFileSync(file.path, 'utf8'), file.path).toBe(
        readFileSync(join(copy, relative(root, file.path)), 'utf8'),
      );
    }
  });
});

describe.skipIf(!corpusAvailable)('faults on the way to GitHub', () => {
  const workflow = {
    '.github/workflows/ci.yml':
      'jobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n      - uses: nobody/nothing@v1\n',
  };

  it('waits out a secondary rate limit (403 with retry-after) and a 502, then succeeds', async () => {
    fake.injectFault({ kind: 'graphql', times: 1, response: secondaryRateLimit(1) });
    fake.injectFault({ kind: 'graphql', times: 1, response: { status: 502, body: { message: 'Bad Gateway' } } });
    const root = tempRepo(workflow);
    const { code, stdout } = await runCli(['pin', '--api-url', fake.url, '--format', 'json'], root, env());
    const report = JSON.parse(stdout);
    expect(report.files[0].pins).toHaveLength(1);
    expect(report.files[0].skipped).toEqual([
      {
        line: 5,
        uses: 'nobody/nothing@v1',
        reason: 'repository nobody/nothing not found, or private and not shared with pinwarden',
      },
    ]);
    expect(code).toBe(1);
    // The pinning's ref query: refused twice, then answered; the audit's queries follow, answered.
    const statuses = fake.requests.map((request) => request.status);
    expect(statuses.slice(0, 3)).toEqual([403, 502, 200]);
    expect(statuses.slice(3).every((status) => status === 200)).toBe(true);
  });

  it('retries a dropped connection', async () => {
    fake.injectFault({ kind: 'graphql', times: 1, response: 'drop' });
    const root = tempRepo({
      '.github/workflows/ci.yml': 'jobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n',
    });
    const { code } = await runCli(['pin', '--api-url', fake.url], root, env());
    expect(code).toBe(0);
    expect(readFileSync(join(root, '.github/workflows/ci.yml'), 'utf8')).toMatch(
      /actions\/checkout@[0-9a-f]{40} # v4\.\d+\.\d+\n/,
    );
  });

  it('falls back to REST when GraphQL keeps failing, with the same result', async () => {
    fake.injectFault({ kind: 'graphql', times: 4, response: { status: 502, body: { message: 'Bad Gateway' } } });
    const root = tempRepo({
      '.github/workflows/ci.yml': 'jobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n',
    });
    const offline = tempRepo({
      '.github/workflows/ci.yml': 'jobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n',
    });
    expect((await runCli(['pin', '--api-url', fake.url], root, env())).code).toBe(0);
    await runCli(['pin', '--refs', corpusRefsDir], offline);
    expect(readFileSync(join(root, '.github/workflows/ci.yml'), 'utf8')).toBe(
      readFileSync(join(offline, '.github/workflows/ci.yml'), 'utf8'),
    );
    expect(fake.counts().byKind['rest-read']).toBeGreaterThan(0);
  });

  it('reports refs as rate limited when GitHub keeps refusing, and writes nothing for them', async () => {
    fake.injectFault({ kind: 'graphql', times: 10, response: secondaryRateLimit(1) });
    const text = 'jobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n';
    const root = tempRepo({ '.github/workflows/ci.yml': text });
    const { code, stdout } = await runCli(['pin', '--api-url', fake.url, '--format', 'json'], root, env());
    expect(code).toBe(1);
    expect(JSON.parse(stdout).files[0].skipped[0].reason).toMatch(/403/);
    expect(readFileSync(join(root, '.github/workflows/ci.yml'), 'utf8')).toBe(text);
    // Four tries for the refs, then given up on (the audit's questions come after them).
    expect(fake.requests.slice(0, 4).map((request) => [request.route, request.status])).toEqual(
      Array(4).fill(['POST /graphql (PinwardenRefs)', 403]),
    );
  });
});
