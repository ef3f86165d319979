// Where security teams look, end to end on the fake GitHub: a run uploads its findings to code
// scanning and its inventory to the dependency graph, again only when they change; alerts are
// fixed when the finding goes; a repository that refuses either still gets its pull request; the
// dashboard links the dependency graph and says how to ask who runs what.
import { describe, expect, it } from 'vitest';
import { codeScanningAlerts } from '../../src/dev/fake-github/security-routes.js';
import { commitToBranch, findRepository, pullRequests, seedRepository } from '../../src/dev/fake-github/fake-state.js';
import type { FakeRepository } from '../../src/dev/fake-github/fake-state.js';
import { installationCreated, push } from '../../src/dev/local-run/webhook-payloads.js';
import { useAppBench } from '../support/app-harness.js';
import { linkUrls, renderedText } from '../support/rendered.js';

const bench = useAppBench();
const repo = (name: string): FakeRepository => findRepository(bench.state, 'octo-org', name)!;
const workflow = (...uses: string[]) =>
  `on: push\njobs:\n  scan:\n    runs-on: ubuntu-latest\n    steps:\n${uses.map((use) => `      - uses: ${use}\n`).join('')}`;
const COMPROMISED = workflow('aquasecurity/trivy-action@0.34.0', 'actions/checkout@v4');

async function runPush(name: string, files: Record<string, string>) {
  const repository = repo(name);
  commitToBranch(repository, repository.defaultBranch, files);
  await bench.local.deliver('push', push(repository, { modified: Object.keys(files) }));
  await bench.local.pinwarden.idle();
}

describe('code scanning and the dependency graph', () => {
  it('get the findings and the inventory once, again when they change, and alerts are fixed when the finding goes', async () => {
    await bench.start(
      (state) => {
        seedRepository(state, { fullName: 'octo-org/.github', files: { 'README.md': 'org\n' } });
        seedRepository(state, { fullName: 'octo-org/web', files: { '.github/workflows/scan.yml': COMPROMISED } });
      },
      { dashboard: { intervalMs: 0 } },
    );
    await bench.local.deliver('installation', installationCreated([repo('.github'), repo('web')]));
    await bench.local.pinwarden.idle();

    const web = repo('web');
    expect(web.sarifUploads).toHaveLength(1);
    expect(web.sarifUploads[0]).toMatchObject({ ref: 'refs/heads/main', commitSha: web.branches.get('main') });
    const open = codeScanningAlerts(web).filter((alert) => alert.state === 'open');
    expect(open.map((alert) => alert.result.ruleId)).toEqual(expect.arrayContaining(['known-compromised', 'unpinned']));
    expect(web.snapshots).toHaveLength(1);
    const resolved = web.snapshots[0]!.manifests['.github/workflows/scan.yml']!.resolved!;
    expect(Object.keys(resolved)).toEqual(
      expect.arrayContaining([
        'pkg:githubactions/aquasecurity/trivy-action@0.34.0',
        'pkg:githubactions/actions/checkout@4',
      ]),
    );

    // The same findings on another push: nothing is sent again.
    await runPush('web', { 'README.md': 'hello\n' });
    expect(web.sarifUploads).toHaveLength(1);
    expect(web.snapshots).toHaveLength(1);

    // The compromised action goes: its alert is fixed by the next upload, and the snapshot follows.
    await runPush('web', { '.github/workflows/scan.yml': workflow('actions/checkout@v4') });
    expect(web.sarifUploads).toHaveLength(2);
    expect(web.snapshots).toHaveLength(2);
    const states = new Map(codeScanningAlerts(web).map((alert) => [alert.result.ruleId, alert.state]));
    expect(states.get('known-compromised')).toBe('fixed');
    expect(states.get('unpinned')).toBe('open');

    // The dashboard links each repository's dependency graph and gives the organisation-wide command.
    const dashboard = [...repo('.github').issues.values()].find(
      (issue) => issue.title === 'pinwarden: organisation status',
    )!;
    expect(renderedText(dashboard.body)).toContain(
      'pinwarden inventory --org octo-org --name aquasecurity/trivy-action',
    );
    expect(linkUrls(dashboard.body)).toContain('https://github.com/octo-org/web/network/dependencies');
  });

  it('a repository that refuses both still gets its pull request, and is not asked again at each run', async () => {
    await bench.start((state) => {
      const web = seedRepository(state, {
        fullName: 'octo-org/web',
        files: { '.github/workflows/scan.yml': COMPROMISED },
      });
      web.refusedReports.add('code-scanning');
      web.refusedReports.add('dependency-graph');
    });
    await bench.local.deliver('installation', installationCreated([repo('web')]));
    await bench.local.pinwarden.idle();
    const web = repo('web');
    expect(pullRequests(web)).toHaveLength(1);
    expect(web.sarifUploads).toHaveLength(0);
    expect(web.snapshots).toHaveLength(0);
    const refusals = () =>
      bench.fake.requests.filter((request) => /code-scanning|dependency-graph/.test(request.route)).length;
    expect(refusals()).toBe(2);
    await runPush('web', { 'README.md': 'again\n' });
    expect(refusals()).toBe(2);
  });
});
