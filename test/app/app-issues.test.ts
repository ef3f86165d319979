// pinwarden's own issues are found among the repository's labelled ones by who wrote them: people's
// issues carrying the label, and another bot's issue carrying pinwarden's marker, are never taken
// for pinwarden's (which would bury it, open a duplicate, or edit someone else's issue).
import { describe, expect, it } from 'vitest';
import { findRepository, openIssue, seedRepository } from '../../src/dev/fake-github/fake-state.js';
import type { FakeRepository } from '../../src/dev/fake-github/fake-state.js';
import { installationCreated, push } from '../../src/dev/local-run/webhook-payloads.js';
import { useAppBench } from '../support/app-harness.js';

const bench = useAppBench();
const web = (): FakeRepository => findRepository(bench.state, 'octo-org', 'web')!;
const COMPROMISED =
  'on: push\njobs:\n  scan:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: aquasecurity/trivy-action@0.34.0\n';

describe("pinwarden's issues", () => {
  it("are found by their author, past people's labelled issues and another bot's copy of the marker", async () => {
    await bench.start((state) => {
      const repository = seedRepository(state, {
        fullName: 'octo-org/web',
        files: { '.github/workflows/scan.yml': COMPROMISED },
      });
      repository.labels.add('pinwarden');
      for (let index = 0; index < 6; index += 1)
        openIssue(repository, {
          title: `question ${index}`,
          body: 'about pinwarden',
          user: { login: `person${index}`, type: 'User' },
          labels: ['pinwarden'],
        });
      openIssue(repository, {
        title: 'pinwarden: security findings',
        body: '<!-- pinwarden:findings -->\nnot from pinwarden',
        user: { login: 'other-app[bot]', type: 'Bot' },
        labels: ['pinwarden'],
      });
    });
    await bench.local.deliver('installation', installationCreated([web()]));
    await bench.local.pinwarden.idle();
    const ours = () =>
      [...web().issues.values()].filter(
        (issue) =>
          !issue.pull &&
          issue.user.login === bench.state.appUser.login &&
          issue.title === 'pinwarden: security findings',
      );
    expect(ours()).toHaveLength(1);
    // The other bot's issue is left as it was.
    expect([...web().issues.values()].find((issue) => issue.user.login === 'other-app[bot]')?.body).toBe(
      '<!-- pinwarden:findings -->\nnot from pinwarden',
    );
    // Six more people's issues with the label, then a run: pinwarden's issue is found again, not opened twice.
    for (let index = 6; index < 12; index += 1)
      openIssue(web(), {
        title: `question ${index}`,
        body: 'again',
        user: { login: `person${index}`, type: 'User' },
        labels: ['pinwarden'],
      });
    await bench.local.deliver('push', push(web(), { modified: ['.github/workflows/scan.yml'] }));
    await bench.local.pinwarden.idle();
    expect(ours()).toHaveLength(1);
  });
});
