// GitHub's "require full-length commit SHA" policy fails a run on any mutable reference inside the
// reusable workflows it calls too: the readiness check reads each called workflow at the commit the
// caller names (batched, like composite actions), follows what it calls, three levels, and names
// what would fail and where.
import { describe, expect, it } from 'vitest';
import { auditFiles } from '../../src/audit/audit-files.js';
import { createTableAuditFacts } from '../../src/audit/table-audit-facts.js';
import type { RepoRefs } from '../../src/resolve/repo-refs.js';
import { locateUsesSites } from '../../src/workflow/locate-uses-sites.js';

const SHARED = 'a'.repeat(40);
const SETUP = 'b'.repeat(40);
const CHECKOUT = 'c'.repeat(40);
const repo = (name: string, head: string, files?: RepoRefs['files'], tags: RepoRefs['tags'] = []): RepoRefs => ({
  repo: name,
  default_branch: 'main',
  head,
  tags,
  branches: [{ name: 'main', sha: head }],
  ...(files ? { files } : {}),
});

const facts = createTableAuditFacts([
  repo('octo-org/shared', SHARED, {
    [SHARED]: {
      '.github/workflows/build.yml': [
        'on: workflow_call',
        'jobs:',
        '  build:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        '      - uses: actions/checkout@v4',
        `      - uses: octo-org/setup@${SETUP}`,
        '',
      ].join('\n'),
    },
  }),
  repo('octo-org/setup', SETUP, {
    [SETUP]: { 'action.yml': 'runs:\n  using: composite\n  steps:\n    - uses: acme/tool@main\n' },
  }),
  repo('actions/checkout', CHECKOUT, undefined, [{ name: 'v4', sha: CHECKOUT, tag_object_sha: null }]),
  repo('acme/tool', 'd'.repeat(40)),
]);

describe('the SHA policy inside called workflows', () => {
  it('follows a called workflow and the actions it calls, and names each reference that would fail', async () => {
    const caller = `on: push\njobs:\n  call:\n    uses: octo-org/shared/.github/workflows/build.yml@${SHARED}\n`;
    const report = await auditFiles(
      [{ path: '.github/workflows/ci.yml', text: caller, located: locateUsesSites(caller, 'workflow') }],
      facts,
    );
    expect(report.requireFullShaPolicy).toEqual({
      ready: false,
      blockers: [
        `octo-org/setup@${SETUP.slice(0, 12)} calls acme/tool@main`,
        `octo-org/shared/.github/workflows/build.yml@${SHARED.slice(0, 12)} calls actions/checkout@v4`,
      ],
    });
    expect(report.calledWorkflowRepositories).toEqual([{ owner: 'octo-org', repo: 'shared' }]);
    expect(
      report.findings.filter((finding) => finding.check === 'transitive').map((finding) => finding.message),
    ).toEqual([
      expect.stringMatching(
        /^inside octo-org\/shared\/\.github\/workflows\/build\.yml@a{40} \(a called workflow\): actions\/checkout@v4/,
      ),
      expect.stringMatching(
        /^inside octo-org\/shared\/\.github\/workflows\/build\.yml@a{40} → octo-org\/setup@b{40}'s action\.yml: acme\/tool@main/,
      ),
    ]);
  });
});
