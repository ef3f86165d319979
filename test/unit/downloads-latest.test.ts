import { describe, expect, it } from 'vitest';
import { auditFiles } from '../../src/audit/audit-files.js';
import { createTableAuditFacts } from '../../src/audit/table-audit-facts.js';
import type { RepoRefs } from '../../src/resolve/repo-refs.js';
import { locateUsesSites } from '../../src/workflow/locate-uses-sites.js';

const PINNED = '57a97c7e7821a5776cebc9bb87c984fa69cba8f1';
const manifest = (fallback: string | undefined) =>
  `name: scanner\ninputs:\n  version:\n    description: tool version\n${fallback === undefined ? '' : `    default: '${fallback}'\n`}runs:\n  using: composite\n  steps:\n    - run: echo scan\n      shell: bash\n`;
const refs = (fallback: string | undefined): RepoRefs => ({
  repo: 'aquasecurity/trivy-action',
  default_branch: 'master',
  head: PINNED,
  tags: [{ name: 'v0.35.0', sha: PINNED, tag_object_sha: null }],
  branches: [{ name: 'master', sha: PINNED }],
  files: { [PINNED]: { 'action.yaml': manifest(fallback) } },
});
const step = (withLines: string) =>
  `on: push\njobs:\n  scan:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: aquasecurity/trivy-action@${PINNED} # v0.35.0\n${withLines}`;

async function latest(text: string, fallback: string | undefined) {
  const report = await auditFiles(
    [{ path: '.github/workflows/scan.yml', text, located: locateUsesSites(text, 'workflow') }],
    createTableAuditFacts([refs(fallback)]),
  );
  return report.findings
    .filter((finding) => finding.check === 'downloads-latest')
    .map((finding) => [finding.line, finding.severity, finding.evidence.value]);
}

describe('downloads-latest', () => {
  it.each([
    [
      'version: latest, on its own line',
      '        with:\n          scan-type: fs\n          version: latest\n',
      'v0.69.1',
      [[9, 'medium', 'latest']],
    ],
    [
      'version: latest in a flow mapping',
      '        with: { version: "latest" }\n',
      'v0.69.1',
      [[7, 'medium', 'latest']],
    ],
    ['a named version', '        with:\n          version: v0.69.3\n', 'latest', []],
    ['no version, the action defaults to latest', '', 'latest', [[6, 'medium', null]]],
    ['no version, the action defaults to empty', '        with:\n          scan-type: fs\n', '', [[6, 'medium', null]]],
    ['no version, the action defaults to a release', '', 'v0.69.1', []],
  ])('%s', async (_name, withLines, fallback, expected) => {
    expect(await latest(step(withLines), fallback)).toEqual(expected);
  });

  it('says nothing of an action without a version input', async () => {
    const text = step('        with:\n          version: latest\n');
    const report = await auditFiles(
      [{ path: 'a.yml', text, located: locateUsesSites(text, 'workflow') }],
      createTableAuditFacts([
        {
          ...refs(undefined),
          files: { [PINNED]: { 'action.yaml': 'name: x\nruns:\n  using: node20\n  main: index.js\n' } },
        },
      ]),
    );
    expect(report.findings.map((finding) => finding.check)).not.toContain('downloads-latest');
  });
});
