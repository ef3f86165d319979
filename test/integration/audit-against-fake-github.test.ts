// `pinwarden audit` end to end through the GitHub API: the fake GitHub serves the real trivy
// facts (fixtures/audit/refs-today) over GraphQL and REST; the CLI resolves through Octokit.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { parseAdvisoriesFile } from '../../src/audit/advisories-file.js';
import { createFakeState, seedRepository, toFakeAdvisories } from '../../src/dev/fake-github/fake-state.js';
import { sarifProblems } from '../../src/sarif/validate-sarif.js';
import { startFakeGitHub } from '../../src/dev/fake-github/fake-github-server.js';
import type { FakeGitHub } from '../../src/dev/fake-github/fake-github-server.js';
import { loadRefsDir } from '../../src/cli/load-refs.js';
import { fixturesDir } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';
import { tempRepo } from '../support/temp-repo.js';

let fake: FakeGitHub;
beforeAll(async () => {
  const advisories = toFakeAdvisories(
    parseAdvisoriesFile(await readFile(join(fixturesDir, 'audit', 'advisories.json'), 'utf8')),
  );
  fake = await startFakeGitHub({
    state: createFakeState(loadRefsDir(join(fixturesDir, 'audit', 'refs-today')), { advisories }),
  });
});
afterAll(async () => fake.close());

const env = () => ({ GITHUB_TOKEN: 'fake-token', PINWARDEN_MS_PER_RETRY_SECOND: '5' });
const WORKFLOW = [
  'on: push',
  'jobs:',
  '  scan:',
  '    runs-on: ubuntu-latest',
  '    steps:',
  '      - uses: aquasecurity/trivy-action@915b19bbe73b92a6cf82a1bc12b087c9a19a5fe2 # v0.28.0',
  '      - uses: acme/release@1111111111111111111111111111111111111111 # v1.2.3',
  '      - uses: aquasecurity/trivy-action@b6643a29fecd7f34b3597bc6acb0a98b03d33ff8 # 0.33.1',
  '      - run: echo scan.aquasecurtiy.org',
  '',
].join('\n');

it('reports every finding with its evidence as JSON, and fails on high and critical', async () => {
  const root = tempRepo({ '.github/workflows/ci.yml': WORKFLOW });
  fake.resetCounts();
  const { code, stdout } = await runCli(['audit', '--api-url', fake.url, '--format', 'json'], root, env());
  expect(code).toBe(1);
  const report = JSON.parse(stdout) as {
    findings: { check: string; severity: string; line: number; path: string }[];
    requireFullShaPolicy: { ready: boolean };
  };
  expect(report.findings.map((finding) => [finding.check, finding.severity, finding.line])).toEqual([
    // The advisory database has trivy-action 0.0.1 to 0.34.2 as affected (GHSA-69fq-xp46-6x23).
    ['advisory', 'critical', 6],
    ['advisory', 'critical', 8],
    ['ioc', 'critical', 9],
    ['transitive', 'high', 6],
    ['transitive', 'high', 6],
    ['tag-moved', 'high', 7],
    ['transitive', 'medium', 6],
    ['comment-mismatch', 'low', 8],
  ]);
  expect(report.findings.every((finding) => finding.path === '.github/workflows/ci.yml')).toBe(true);
  expect(report.requireFullShaPolicy.ready).toBe(false);
  // The budget: refs in one batched query, the advisory database in one, reachability and
  // manifests batched; pin-time trust's listings and compare batched too (a release tag naming a
  // pinned commit does not make it trusted), and the only REST calls are the releases, one per
  // action repository at most.
  const operations = fake.requests
    .filter((entry) => entry.kind === 'graphql')
    .map((entry) => entry.route.replace('POST /graphql ', ''));
  expect(operations.filter((name) => name === '(pinwardenAdvisories)')).toHaveLength(1);
  expect(operations.filter((name) => name === '(pinwardenReachability)').length).toBeLessThanOrEqual(1);
  // One listing for the tags and tagged pins, one for the release whose tag looks moved (is it immutable?).
  expect(operations.filter((name) => name === '(pinwardenTrustListing)').length).toBeLessThanOrEqual(2);
  expect(operations.length).toBeLessThanOrEqual(9);
  const releases = fake.requests.filter((entry) => entry.kind === 'rest-read').map((entry) => entry.route);
  expect(new Set(releases)).toEqual(new Set(['GET /repos/{owner}/{repo}/releases']));
  expect(releases.length).toBeLessThanOrEqual(
    new Set(WORKFLOW.split('\n').flatMap((line) => /uses: ([^/@\s]+\/[^/@\s]+)/.exec(line)?.[1] ?? [])).size,
  );
});

it('finds an impostor commit through the API', async () => {
  const root = tempRepo({
    '.github/workflows/ci.yml':
      'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: aquasecurity/trivy-action@badc0ffee0ddf00dbadc0ffee0ddf00dbadc0ffe\n      - uses: aquasecurity/trivy-action@0123456789abcdef0123456789abcdef01234567\n',
  });
  const { stdout } = await runCli(['audit', '--api-url', fake.url, '--format', 'json'], root, env());
  const { findings } = JSON.parse(stdout) as { findings: { check: string; line: number }[] };
  expect(findings.filter((finding) => finding.check === 'impostor-commit').map((finding) => finding.line)).toEqual([6]);
});

it('prints SARIF for code scanning, and exits 0 on a clean repository', async () => {
  const root = tempRepo({ '.github/workflows/ci.yml': WORKFLOW });
  const sarif = await runCli(['audit', '--api-url', fake.url, '--format', 'sarif'], root, env());
  expect(JSON.parse(sarif.stdout).runs[0].results).toHaveLength(8);
  const clean = tempRepo({
    '.github/workflows/ci.yml':
      'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: aquasecurity/trivy-action@57a97c7e7821a5776cebc9bb87c984fa69cba8f1 # v0.35.0\n',
  });
  const text = await runCli(['audit', '--api-url', fake.url], clean, env());
  expect(text.code).toBe(0);
  expect(text.stdout).toContain('no findings');
});

it('without a token still checks what needs no API, and says what it skipped', async () => {
  const root = tempRepo({ '.github/workflows/ci.yml': WORKFLOW });
  const { code, stdout } = await runCli(['audit', '--format', 'json'], root);
  expect(code).toBe(1);
  const report = JSON.parse(stdout) as { findings: { check: string }[]; notes: string[] };
  expect(report.findings.map((finding) => finding.check)).toEqual(['ioc', 'transitive']);
  expect(report.notes[0]).toMatch(/^no GITHUB_TOKEN or --refs/);
});

it("writes SARIF that SARIF 2.1.0's schema accepts", async () => {
  const root = tempRepo({ '.github/workflows/ci.yml': WORKFLOW });
  const { stdout } = await runCli(['audit', '--api-url', fake.url, '--format', 'sarif'], root, env());
  expect(sarifProblems(JSON.parse(stdout))).toEqual([]);
});

describe('pinwarden inventory', () => {
  beforeAll(() => {
    seedRepository(fake.state, { fullName: 'octo/scanner', files: { '.github/workflows/ci.yml': WORKFLOW } });
    seedRepository(fake.state, {
      fullName: 'octo/web',
      files: {
        '.github/workflows/ci.yml':
          'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n',
        Dockerfile: 'FROM aquasec/trivy:0.69.4\n',
      },
    });
    seedRepository(fake.state, { fullName: 'octo/old', files: { 'README.md': 'x\n' }, archived: true });
  });

  it('answers "who runs trivy-action, at which commit" across an organisation in one command', async () => {
    const { code, stdout } = await runCli(
      ['inventory', '--org', 'octo', '--name', 'aquasecurity/trivy-action', '--api-url', fake.url],
      tempRepo({}),
      env(),
    );
    expect(code).toBe(0);
    const [header, ...rows] = stdout.trimEnd().split('\r\n');
    expect(header!.split(',').slice(0, 10)).toEqual([
      'repository',
      'kind',
      'name',
      'path',
      'line',
      'written',
      'pinned',
      'version',
      'commit',
      'digest',
    ]);
    expect(rows.map((row) => row.split(',').slice(0, 9))).toEqual([
      [
        'octo/scanner',
        'action',
        'aquasecurity/trivy-action',
        '.github/workflows/ci.yml',
        '6',
        'aquasecurity/trivy-action@915b19bbe73b92a6cf82a1bc12b087c9a19a5fe2',
        'yes',
        'v0.28.0',
        '915b19bbe73b92a6cf82a1bc12b087c9a19a5fe2',
      ],
      [
        'octo/scanner',
        'action',
        'aquasecurity/trivy-action',
        '.github/workflows/ci.yml',
        '8',
        'aquasecurity/trivy-action@b6643a29fecd7f34b3597bc6acb0a98b03d33ff8',
        'yes',
        '0.33.1',
        'b6643a29fecd7f34b3597bc6acb0a98b03d33ff8',
      ],
    ]);
    expect(rows[0]).toContain('critical advisory');
  });

  it('finds an image by the name Docker reads, in a Dockerfile, as CycloneDX', async () => {
    const { stdout } = await runCli(
      ['inventory', '--org', 'octo', '--name', 'aquasec/trivy', '--format', 'cyclonedx', '--api-url', fake.url],
      tempRepo({}),
      env(),
    );
    const bom = JSON.parse(stdout);
    expect(bom.components.map((component: { group: string; name: string; version: string }) => component)).toEqual([
      expect.objectContaining({ type: 'container', group: 'docker.io/aquasec', name: 'trivy', version: '0.69.4' }),
    ]);
    expect(bom.components[0].properties).toEqual(
      expect.arrayContaining([{ name: 'pinwarden:occurrence', value: 'octo/web:Dockerfile:1' }]),
    );
  });

  it('lists local files as JSON, and refuses --org with paths', async () => {
    const root = tempRepo({ '.github/workflows/ci.yml': WORKFLOW });
    const { stdout } = await runCli(['inventory', '--format', 'json', '--api-url', fake.url], root, env());
    const { entries } = JSON.parse(stdout) as { entries: { name: string; relationship: string; purl: string }[] };
    expect(entries.filter((entry) => entry.relationship === 'indirect').map((entry) => entry.name)).toContain(
      'aquasecurity/setup-trivy',
    );
    const both = await runCli(['inventory', 'x', '--org', 'octo'], root, env());
    expect(both.code).toBe(2);
  });
});
