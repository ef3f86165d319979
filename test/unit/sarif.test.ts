// SARIF for code scanning: the audit's real findings (the trivy-action compromise, fixtures/audit)
// checked against the SARIF 2.1.0 schema, and fingerprints that keep an alert the same alert
// when lines move, and tell two occurrences apart.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditFiles } from '../../src/audit/audit-files.js';
import type { Finding } from '../../src/audit/types.js';
import { loadRefsDir } from '../../src/cli/load-refs.js';
import { createTableRefResolver } from '../../src/resolve/table-ref-resolver.js';
import type { RefResolver } from '../../src/resolve/types.js';
import { MAX_SARIF_RESULTS, buildSarif } from '../../src/sarif/build-sarif.js';
import { sarifProblems } from '../../src/sarif/validate-sarif.js';
import { locateUsesSites } from '../../src/workflow/locate-uses-sites.js';
import { fixturesDir } from '../support/paths.js';

let today: RefResolver;
beforeAll(async () => {
  today = createTableRefResolver(loadRefsDir(join(fixturesDir, 'audit', 'refs-today')));
});

const workflow = (...lines: string[]) =>
  `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n${lines.map((line) => `      - ${line}\n`).join('')}`;

async function audit(text: string): Promise<Finding[]> {
  return (await auditFiles([{ path: 'ci.yml', text, located: locateUsesSites(text, 'workflow') }], today)).findings;
}

const COMPROMISED = 'uses: aquasecurity/trivy-action@ddb9da4475c1cef7d5389062bdfdfbdbd1394648';
const results = (findings: readonly Finding[]) => buildSarif(findings, '1.0.0').log.runs[0]!.results!;
const fingerprints = (findings: readonly Finding[]) =>
  results(findings).map((result) => result.partialFingerprints!.primaryLocationLineHash);

describe('SARIF for code scanning', () => {
  it('is SARIF 2.1.0 by its schema: rules with security-severity, results at their lines', async () => {
    const findings = await audit(workflow(COMPROMISED, 'uses: actions/checkout@v4', 'run: echo'));
    const { log } = buildSarif(findings, '1.0.0');
    expect(sarifProblems(log)).toEqual([]);
    const [run] = log.runs;
    expect(run!.tool.driver.rules!.find((rule) => rule.id === 'known-compromised')!.properties).toMatchObject({
      'security-severity': '9.5',
    });
    expect(run!.automationDetails).toEqual({ id: 'pinwarden/' });
    expect(
      run!.results!.map((result) => [result.ruleId, result.level, result.locations![0]!.physicalLocation]),
    ).toEqual(
      expect.arrayContaining([
        ['known-compromised', 'error', { artifactLocation: { uri: 'ci.yml' }, region: { startLine: 6 } }],
        ['unpinned', 'warning', { artifactLocation: { uri: 'ci.yml' }, region: { startLine: 7 } }],
      ]),
    );
  });

  it('the schema check refuses what code scanning would: a result without a message, a run without a tool', () => {
    const { log } = buildSarif([], '1.0.0');
    const broken = { ...log, runs: [{ results: [{ ruleId: 'x' }] }] };
    expect(sarifProblems(broken)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\/runs\/0: .*tool/),
        expect.stringMatching(/^\/runs\/0\/results\/0: .*message/),
      ]),
    );
  });

  it('keeps a fingerprint when lines above move, and tells the same reference twice apart', async () => {
    const before = fingerprints(await audit(workflow(COMPROMISED)));
    const after = fingerprints(await audit(workflow('run: echo one', 'run: echo two', COMPROMISED)));
    expect(after).toEqual(before);
    const twice = fingerprints(await audit(workflow(COMPROMISED, 'run: echo', COMPROMISED)));
    expect(twice).toHaveLength(2);
    expect(new Set(twice).size).toBe(2);
    expect(twice[0]).toBe(before[0]);
    const other = fingerprints(await audit(workflow('uses: actions/checkout@v4')));
    expect(other[0]).not.toBe(before[0]);
  });

  it("keeps code scanning's 5,000 results a run and says how many were left out", () => {
    const finding: Finding = {
      path: 'ci.yml',
      line: 1,
      uses: 'a/b@v1',
      check: 'unpinned',
      severity: 'medium',
      message: 'm',
      evidence: {},
    };
    const built = buildSarif(
      Array.from({ length: MAX_SARIF_RESULTS + 7 }, () => finding),
      '1.0.0',
    );
    expect(built.log.runs[0]!.results).toHaveLength(MAX_SARIF_RESULTS);
    expect(built.leftOut).toBe(7);
  });

  it('percent-encodes uris, so a path with a space, # or % stays one path', () => {
    const path = '.github/workflows/my ci#1 100%.yml';
    const [result] = results([
      { path, line: 3, uses: 'a/b@v1', check: 'unpinned', severity: 'medium', message: 'm', evidence: {} },
    ]);
    const uri = result!.locations![0]!.physicalLocation!.artifactLocation!.uri!;
    expect(uri).toBe('.github/workflows/my%20ci%231%20100%25.yml');
    expect(decodeURIComponent(new URL(uri, 'file:///repo/').pathname.slice('/repo/'.length))).toBe(path);
  });
});
