// `pinwarden audit` end to end through the GitHub API: the fake GitHub serves the real trivy
// facts (fixtures/audit/refs-today) over GraphQL and REST; the CLI resolves through Octokit.
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFakeState } from '../../src/fake-github/fake-state.js';
import { startFakeGitHub } from '../../src/fake-github/fake-github-server.js';
import type { FakeGitHub } from '../../src/fake-github/fake-github-server.js';
import { loadRefsDir } from '../../src/fake-github/load-refs.js';
import { fixturesDir } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';
import { tempRepo } from '../support/temp-repo.js';

let fake: FakeGitHub;
beforeAll(async () => {
  fake = await startFakeGitHub({ state: createFakeState(await loadRefsDir(join(fixturesDir, 'audit', 'refs-today'))) });
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
  const { code, stdout } = await runCli(['audit', '--api-url', fake.url, '--format', 'json'], root, env());
  expect(code).toBe(1);
  const { findings } = JSON.parse(stdout) as { findings: { check: string; severity: string; line: number; path: string }[] };
  expect(findings.map((finding) => [finding.check, finding.severity, finding.line])).toEqual([
    ['ioc', 'critical', 9],
    ['transitive', 'high', 6],
    ['tag-moved', 'high', 7],
    ['comment-mismatch', 'low', 8],
  ]);
  expect(findings.every((finding) => finding.path === '.github/workflows/ci.yml')).toBe(true);
  // Every ref the audit needed went out in the resolver's batched GraphQL, not one call each.
  expect(fake.counts().byKind['rest-read']).toBe(0);
});

it('prints SARIF for code scanning, and exits 0 on a clean repository', async () => {
  const root = tempRepo({ '.github/workflows/ci.yml': WORKFLOW });
  const sarif = await runCli(['audit', '--api-url', fake.url, '--format', 'sarif'], root, env());
  expect(JSON.parse(sarif.stdout).runs[0].results).toHaveLength(4);
  const clean = tempRepo({ '.github/workflows/ci.yml': 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: aquasecurity/trivy-action@57a97c7e7821a5776cebc9bb87c984fa69cba8f1 # v0.35.0\n' });
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
  expect(report.notes).toEqual([expect.stringMatching(/^no GITHUB_TOKEN or --refs/)]);
});
