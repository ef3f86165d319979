// Pin-time trust through the App: a release tag moved through the fake GitHub after pinwarden saw
// it is held in every repository, named on the dashboard's Incidents and in the findings issue,
// while the pin written before the move is kept; a tag on a fork-only commit is held back in the
// pull request. The real Probot server on loopback, signed webhooks, the fake answering over HTTP.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addRepository, findRepository, pullRequests, seedRepository } from '../../src/dev/fake-github/fake-state.js';
import type { FakeRepository } from '../../src/dev/fake-github/fake-state.js';
import { readCommitFiles } from '../../src/dev/fake-github/git-store.js';
import { startLocalApp } from '../../src/dev/local-run/start-local-app.js';
import { installationCreated, push } from '../../src/dev/local-run/webhook-payloads.js';
import type { RepoRefs } from '../../src/resolve/repo-refs.js';
import { createMemorySeenTags } from '../../src/trust/seen-tags.js';
import { useAppBench } from '../support/app-harness.js';
import { fixturesDir } from '../support/paths.js';
import { renderedText } from '../support/rendered.js';

const bench = useAppBench();
const sha = (text: string) => text.repeat(40).slice(0, 40);
const OLD = sha('a1');
const NEXT = sha('b2');
const BASE = sha('c3');

/** acme/mover: v1.0.0 on BASE, v1.0.1 on OLD (mutable releases), main at NEXT, which descends from OLD. */
const mover: RepoRefs = {
  repo: 'acme/mover',
  default_branch: 'main',
  head: NEXT,
  tags: [
    { name: 'v1.0.0', sha: BASE, tag_object_sha: null },
    { name: 'v1.0.1', sha: OLD, tag_object_sha: null },
  ],
  branches: [{ name: 'main', sha: NEXT }],
  commits: [
    { sha: BASE, reachable: true, parents: [] },
    { sha: OLD, reachable: true, parents: [BASE] },
    { sha: NEXT, reachable: true, parents: [OLD] },
  ],
  releases: [
    { tag: 'v1.0.1', publishedAt: '2026-05-02T00:00:00Z', immutable: false },
    { tag: 'v1.0.0', publishedAt: '2026-05-01T00:00:00Z', immutable: false },
  ],
};
const hijacked = JSON.parse(
  readFileSync(join(fixturesDir, 'trust', 'refs', 'acme__hijacked.json'), 'utf8'),
) as RepoRefs;
const workflow = (...uses: string[]) =>
  `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n${uses.map((value) => `      - uses: ${value}\n`).join('')}`;
const repo = (name: string): FakeRepository => findRepository(bench.state, 'octo-org', name)!;
const issueTitled = (name: string, title: string) =>
  [...repo(name).issues.values()].find((issue) => !issue.pull && issue.title === title);
const pullFiles = (name: string) => {
  const pull = pullRequests(repo(name))[0]!;
  return { pull, files: readCommitFiles(repo(name).git, repo(name).branches.get(pull.pull!.head)!) };
};

describe('pin-time trust in the App', () => {
  it('holds a moved release tag everywhere, keeps the pin written before, and names the incident', async () => {
    const seenTags = createMemorySeenTags();
    await bench.start(
      (state) => {
        addRepository(state, mover);
        addRepository(state, hijacked);
        seedRepository(state, { fullName: 'octo-org/.github', files: { 'README.md': 'org\n' } });
        seedRepository(state, {
          fullName: 'octo-org/web',
          files: { '.github/workflows/ci.yml': workflow(`acme/mover@${OLD} # v1.0.1`) },
        });
        seedRepository(state, {
          fullName: 'octo-org/api',
          files: { '.github/workflows/ci.yml': workflow('acme/mover@v1.0.1', 'acme/hijacked@v1') },
        });
      },
      { dashboard: {}, seenTags },
    );
    await bench.local.deliver('installation', installationCreated(['.github', 'web', 'api'].map(repo)));
    await bench.local.pinwarden.idle();

    // The first run: v1.0.1 pinned in api's pull request; v1 of acme/hijacked names a fork-only commit and is held back.
    const first = pullFiles('api');
    expect(first.files.get('.github/workflows/ci.yml')).toContain(`acme/mover@${OLD} # v1.0.1`);
    expect(first.files.get('.github/workflows/ci.yml')).toContain('uses: acme/hijacked@v1\n');
    const body = renderedText(first.pull.body);
    expect(body).toMatch(/Held back: 1 reference not pinned/);
    expect(body).toMatch(/acme\/hijacked@v1: impostor-tag \(critical\)/);
    expect(body.indexOf('Held back')).toBeLessThan(body.indexOf('Changes:'));
    expect(issueTitled('api', 'pinwarden: security findings')?.body).toContain('impostor-tag');

    // An attacker moves v1.0.1 (a mutable release) onto the next commit of main.
    const moved = await fetch(`${bench.fake.url}/repos/acme/mover/git/refs/tags/v1.0.1`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sha: NEXT, force: true }),
    });
    expect(moved.status).toBe(200);

    // A later run (another replica, or after the caches expire): the same remembered tags.
    await bench.local.stop();
    bench.local = await startLocalApp(bench.fake, { dashboard: {}, seenTags });
    await bench.local.deliver('push', push(repo('web'), { modified: ['.github/workflows/ci.yml'] }));
    await bench.local.deliver('push', push(repo('api'), { modified: ['.github/workflows/ci.yml'] }));
    await bench.local.pinwarden.idle();

    // web's pin is kept as it was; api's pull request no longer writes the moved tag's commit.
    expect(
      readCommitFiles(repo('web').git, repo('web').branches.get('main')!).get('.github/workflows/ci.yml'),
    ).toContain(`acme/mover@${OLD} # v1.0.1`);
    // (web's pull request only adds dependabot.yml: its workflow stays on the commit pinned before the move.)
    for (const pull of pullRequests(repo('web')))
      expect(
        readCommitFiles(repo('web').git, repo('web').branches.get(pull.pull!.head)!).get('.github/workflows/ci.yml'),
      ).not.toContain(NEXT);
    // api's run now holds both references, so it has nothing to write: its open pull request keeps the commit v1.0.1 named when first seen.
    const second = pullFiles('api');
    expect(second.files.get('.github/workflows/ci.yml')).toContain(`acme/mover@${OLD} # v1.0.1`);
    expect(second.files.get('.github/workflows/ci.yml')).not.toContain(NEXT);
    expect(issueTitled('api', 'pinwarden: security findings')?.body).toMatch(/tag-moved-since-seen/);
    expect(issueTitled('web', 'pinwarden: security findings')?.body).toMatch(/tag-moved/);
    const dashboard = renderedText(issueTitled('.github', 'pinwarden: organisation status')!.body);
    expect(dashboard).toMatch(/Incidents[\s\S]*acme\/mover \(tag-moved-since-seen\): used by octo-org\/api/);
    expect(dashboard).toMatch(/acme\/hijacked \(impostor-tag\): used by octo-org\/api/);
  });

  it('cannot move the tag of an immutable release', async () => {
    await bench.start((state) => {
      addRepository(state, {
        ...mover,
        releases: [{ tag: 'v1.0.1', publishedAt: '2026-05-02T00:00:00Z', immutable: true }],
      });
    });
    const moved = await fetch(`${bench.fake.url}/repos/acme/mover/git/refs/tags/v1.0.1`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sha: NEXT, force: true }),
    });
    expect(moved.status).toBe(422);
    expect(findRepository(bench.state, 'acme', 'mover')!.tags.get('v1.0.1')?.commit).toBe(OLD);
  });
});
