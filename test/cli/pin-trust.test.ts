import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturesDir } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';
import { tempRepo } from '../support/temp-repo.js';

const refsDir = join(fixturesDir, 'trust', 'refs');
const workflow = readFileSync(join(fixturesDir, 'trust', 'repo', '.github', 'workflows', 'ci.yml'), 'utf8');
const env = { PINWARDEN_NOW: '2026-12-01T00:00:00Z' };

describe('pinwarden pin: pin-time trust', () => {
  it('writes no held reference, pins the rest, and says why in findings (exit 1)', async () => {
    const root = tempRepo({ '.github/workflows/ci.yml': workflow });
    const run = await runCli(['pin', '--refs', refsDir, '--format', 'json'], root, env);
    expect(run.code).toBe(1);
    const written = readFileSync(join(root, '.github/workflows/ci.yml'), 'utf8').split('\n');
    expect(written.filter((line) => line.includes('acme/hijacked') || line.includes('acme/retagged'))).toEqual([
      '      - uses: acme/hijacked@v1',
      '      - uses: acme/hijacked@v1.3.0',
      '      - uses: acme/retagged@v2',
    ]);
    expect(written.find((line) => line.includes('acme/fresh@') && line.endsWith('# v4.1.0'))).toBeDefined();
    expect(written.find((line) => line.includes('acme/healthy@') && line.endsWith('# v5.0.1'))).toBeDefined();
    const report = JSON.parse(run.stdout) as {
      findings: {
        path: string;
        line: number;
        uses: string;
        check: string;
        severity: string;
        message: string;
        evidence: Record<string, unknown>;
      }[];
      summary: { held: number; pinned: number };
    };
    expect(report.findings.map((finding) => [finding.line, finding.uses, finding.check, finding.severity])).toEqual([
      [8, 'acme/hijacked@v1', 'impostor-tag', 'critical'],
      [9, 'acme/hijacked@v1.3.0', 'impostor-tag', 'critical'],
      [10, 'acme/retagged@v2', 'mass-retag', 'critical'],
      [11, 'acme/sideways@v3', 'release-not-descendant', 'high'],
      [12, 'acme/fresh@v4', 'fresh-release', 'low'],
      [13, 'acme/fresh@v4.2.0', 'fresh-release', 'low'],
    ]);
    expect(report.findings[0]).toMatchObject({
      path: '.github/workflows/ci.yml',
      evidence: {
        repository: 'acme/hijacked',
        tag: 'v1',
        link: expect.stringMatching(/^https:\/\/github\.com\/acme\/hijacked\/commit\/[0-9a-f]{40}$/),
      },
    });
    expect(report.summary).toMatchObject({ held: 3, pinned: 4 });
  });

  it('does not repair a comment to name a release on a commit trust holds', async () => {
    const bad = JSON.parse(readFileSync(join(refsDir, 'acme__hijacked.json'), 'utf8')).tags.find(
      (tag: { name: string }) => tag.name === 'v1.3.0',
    ).sha as string;
    const good = JSON.parse(readFileSync(join(refsDir, 'acme__hijacked.json'), 'utf8')).tags.find(
      (tag: { name: string }) => tag.name === 'v1.2.0',
    ).sha as string;
    const text = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: acme/hijacked@${bad} # v1\n      - uses: acme/hijacked@${good} # v1\n`;
    const root = tempRepo({ '.github/workflows/ci.yml': text });
    await runCli(['pin', '--refs', refsDir], root, env);
    const written = readFileSync(join(root, '.github/workflows/ci.yml'), 'utf8');
    // The good commit's comment is made to name its release; the fork-only commit's is left alone.
    expect(written).toContain(`acme/hijacked@${bad} # v1\n`);
    expect(written).toContain(`acme/hijacked@${good} # v1.2.0\n`);
  });

  it('--min-release-age 0 pins the newest release; a healthy action alone exits 0', async () => {
    const root = tempRepo({
      '.github/workflows/ci.yml':
        'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: acme/fresh@v4\n      - uses: acme/healthy@v5\n',
    });
    const run = await runCli(['pin', '--refs', refsDir, '--min-release-age', '0'], root, env);
    expect(run.code).toBe(0);
    expect(readFileSync(join(root, '.github/workflows/ci.yml'), 'utf8')).toContain('# v4.2.0');
    const bad = await runCli(['pin', '--refs', refsDir, '--min-release-age', 'soon'], root, env);
    expect(bad.code).toBe(2);
  });
});
