// The audit's checks, table-driven, over the real trivy-action / setup-trivy / tj-actions facts
// (fixtures/audit, src/audit/data/compromises.json) and an invented repository whose release was
// rewritten.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditFiles } from '../../src/audit/audit-files.js';
import { COMPROMISES } from '../../src/audit/compromise-data.js';
import type { Finding } from '../../src/audit/types.js';
import { inVersionRange } from '../../src/audit/version-range.js';
import { loadRefsDir } from '../../src/cli/load-refs.js';
import { createTableRefResolver } from '../../src/resolve/table-ref-resolver.js';
import type { RefResolver } from '../../src/resolve/types.js';
import { collectRefRequests, planPins } from '../../src/plan/plan-pins.js';
import { locateUsesSites } from '../../src/workflow/locate-uses-sites.js';
import { fixturesDir } from '../support/paths.js';

let today: RefResolver;
let duringAttack: RefResolver;
beforeAll(async () => {
  today = createTableRefResolver(loadRefsDir(join(fixturesDir, 'audit', 'refs-today')));
  duringAttack = createTableRefResolver(loadRefsDir(join(fixturesDir, 'audit', 'refs-during-attack')));
});

const workflow = (...lines: string[]) =>
  `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n${lines.map((line) => `      - ${line}\n`).join('')}`;

async function audit(text: string, resolver: RefResolver = today): Promise<Finding[]> {
  return (await auditFiles([{ path: 'ci.yml', text, located: locateUsesSites(text, 'workflow') }], resolver)).findings;
}

const brief = (findings: readonly Finding[]) => findings.map((finding) => [finding.check, finding.severity]);

describe('known-compromised commits and moved tags', () => {
  it.each([
    [
      'trivy-action pinned to the commit its tag 0.34.2 was moved to',
      'uses: aquasecurity/trivy-action@ddb9da4475c1cef7d5389062bdfdfbdbd1394648',
      [['known-compromised', 'critical']],
    ],
    [
      'setup-trivy pinned to the malicious v0.2.5',
      'uses: aquasecurity/setup-trivy@8afa9b9f9183b4e00c46e2b82d34047e3c177bd0',
      [['known-compromised', 'critical']],
    ],
    [
      'tj-actions/changed-files pinned to the impostor commit',
      'uses: tj-actions/changed-files@0e58ed8671d6b60d0890c21b07f8835ace038e67',
      [['known-compromised', 'critical']],
    ],
    [
      'setup-trivy e6c2c5e3, which vendor lists flag by mistake',
      'uses: aquasecurity/setup-trivy@e6c2c5e321ed9123bda567646e2f96565e34abe1',
      [],
    ],
    [
      'trivy-action by a tag that was moved',
      'uses: aquasecurity/trivy-action@0.34.2',
      [
        ['known-compromised', 'high'],
        ['unpinned', 'medium'],
      ],
    ],
    [
      'trivy-action 0.35.0, never moved',
      'uses: aquasecurity/trivy-action@57a97c7e7821a5776cebc9bb87c984fa69cba8f1 # 0.35.0',
      [],
    ],
    [
      'trivy-action v0.28.0 pinned by SHA: it called setup-trivy@v0.2.1',
      'uses: aquasecurity/trivy-action@915b19bbe73b92a6cf82a1bc12b087c9a19a5fe2 # v0.28.0',
      [['transitive', 'high']],
    ],
    [
      'trivy-action v0.30.0 by SHA',
      'uses: aquasecurity/trivy-action@6c175e9c4083a92bbca2f9724c8a5e33bc2d97a5 # v0.30.0',
      [['transitive', 'high']],
    ],
    [
      'trivy-action v0.27.0 by SHA: setup-trivy@v0.1.0, outside the listed range',
      'uses: aquasecurity/trivy-action@5681af892cd0f4997658e2bacc62bd0a894cf564 # v0.27.0',
      [['transitive', 'medium']],
    ],
    [
      'reviewdog/action-setup@v1, moved for two hours',
      'uses: reviewdog/action-setup@v1',
      [
        ['known-compromised', 'high'],
        ['unpinned', 'medium'],
      ],
    ],
    [
      'a reviewdog wrapper that called action-setup@v1',
      'uses: reviewdog/action-shellcheck@v1',
      [
        ['transitive', 'medium'],
        ['unpinned', 'medium'],
      ],
    ],
  ])('%s', async (_name, line, expected) => {
    expect(brief(await audit(workflow(line)))).toEqual(expected);
  });

  it('says the window and the advisory, so runs of those hours can be checked', async () => {
    const [finding] = await audit(workflow('uses: aquasecurity/trivy-action@0.34.2'));
    expect(finding!.message).toContain('2026-03-19T17:43:00Z to 2026-03-20T05:40:00Z UTC');
    expect(finding!.message).toContain('GHSA-69fq-xp46-6x23');
    expect(finding!.evidence).toMatchObject({
      incident: 'trivy-action-2026-03',
      window: { precision: expect.stringContaining('approximate') },
    });
  });

  it('a tag that names a bad commit today is refused by the planner and raised by the audit', async () => {
    const text = workflow('uses: aquasecurity/trivy-action@0.34.2');
    const located = locateUsesSites(text, 'workflow');
    if (!located.ok) throw new Error(located.error);
    const resolutions = await duringAttack.resolve(collectRefRequests(located.references));
    const [entry] = planPins({ references: located.references, resolutions }).entries;
    expect(entry).toMatchObject({
      action: 'skip',
      reason: expect.stringMatching(/^refused: 0\.34\.2 names ddb9da44\S+, a known-compromised commit/),
    });
    expect(brief(await audit(text, duringAttack))).toContainEqual(['known-compromised', 'critical']);
  });
});

describe('version comments', () => {
  it.each([
    [
      'a rewritten release tag',
      'uses: acme/release@1111111111111111111111111111111111111111 # v1.2.3',
      [['tag-moved', 'high']],
    ],
    [
      'a major tag that moved on: normal, the comment is repaired',
      'uses: acme/release@3333333333333333333333333333333333333333 # v4',
      [['comment-mismatch', 'info']],
    ],
    ['a comment that is right', 'uses: acme/release@3333333333333333333333333333333333333333 # v4.1.0', []],
    [
      'a trivy-action tag re-created with a v prefix',
      'uses: aquasecurity/trivy-action@b6643a29fecd7f34b3597bc6acb0a98b03d33ff8 # 0.33.1',
      [['comment-mismatch', 'low']],
    ],
    [
      'a tag that exists nowhere',
      'uses: acme/release@3333333333333333333333333333333333333333 # v9.9.9',
      [['comment-mismatch', 'low']],
    ],
  ])('%s', async (_name, line, expected) => {
    expect(brief(await audit(workflow(line)))).toEqual(expected);
  });

  it('names both commits of a rewritten release, and the comment fixes', async () => {
    const [moved] = await audit(workflow('uses: acme/release@1111111111111111111111111111111111111111 # v1.2.3'));
    expect(moved!.evidence).toMatchObject({
      pinned: '1'.repeat(40),
      tagNow: '2'.repeat(40),
      compare: `https://github.com/acme/release/compare/${'1'.repeat(40)}...${'2'.repeat(40)}`,
    });
    const [advanced] = await audit(workflow('uses: acme/release@3333333333333333333333333333333333333333 # v4'));
    expect(advanced!.evidence).toMatchObject({ fix: '# v4.1.0' });
    const [twin] = await audit(
      workflow('uses: aquasecurity/trivy-action@b6643a29fecd7f34b3597bc6acb0a98b03d33ff8 # 0.33.1'),
    );
    expect(twin!.evidence).toMatchObject({ twin: 'v0.33.1', fix: '# v0.33.1' });
  });
});

describe('actions that must stay on a tag', () => {
  const generator = 'slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml';
  it.each([
    [
      'pinned by SHA: it would break',
      `${generator}@f7dd8c54c2067bafc12ca7a55595d5ee9b75204a`,
      [['must-stay-on-tag', 'high']],
    ],
    ['on a major tag', `${generator}@v2`, [['must-stay-on-tag', 'medium']]],
    ['on its full version tag', `${generator}@v2.1.0`, []],
  ])('%s', async (_name, uses, expected) => {
    expect(brief(await audit(`on: push\njobs:\n  provenance:\n    uses: ${uses}\n`))).toEqual(expected);
  });

  it('is left on its tag by the planner', async () => {
    const located = locateUsesSites(`on: push\njobs:\n  provenance:\n    uses: ${generator}@v2.1.0\n`, 'workflow');
    if (!located.ok) throw new Error(located.error);
    const resolutions = await today.resolve(collectRefRequests(located.references));
    expect(planPins({ references: located.references, resolutions }).entries[0]).toMatchObject({
      action: 'keep',
      why: 'stays-on-tag',
    });
  });
});

describe('indicators of compromise', () => {
  it('finds the stealer\u2019s domain and fallback repository names on their lines', async () => {
    const text = workflow(
      'run: curl -s https://scan.aquasecurtiy.org/x',
      'run: gh repo create tpcp-docs',
      'uses: ./local',
    );
    const findings = await audit(text);
    expect(findings.map((finding) => [finding.check, finding.severity, finding.line])).toEqual([
      ['ioc', 'critical', 6],
      ['ioc', 'critical', 7],
    ]);
  });
});

describe('data and output', () => {
  it('ships a data file whose every incident cites sources and marks third-party SHAs', () => {
    expect(COMPROMISES.incidents.map((incident) => incident.repository)).toEqual(
      expect.arrayContaining([
        'aquasecurity/trivy-action',
        'aquasecurity/setup-trivy',
        'tj-actions/changed-files',
        'reviewdog/action-setup',
        'xygeni/xygeni-action',
      ]),
    );
    for (const incident of COMPROMISES.incidents) {
      expect(incident.sources.length).toBeGreaterThan(0);
      for (const commit of incident.badCommits) expect(typeof commit.thirdParty).toBe('boolean');
      expect(incident.knownGood.map((good) => good.sha)).not.toContain(incident.badCommits[0]?.sha);
    }
  });

  it.each([
    ['0.34.2', '>= 0.0.1 <= 0.34.2', true],
    ['v0.34.2', '>= 0.0.1 <= 0.34.2', true],
    ['0.35.0', '>= 0.0.1 <= 0.34.2', false],
    ['v45.0.7', '<= 45.0.7', true],
    ['v46', '<= 45.0.7', false],
    ['1.5', '>= 1.0, < 2.0', true],
    ['main', '<= 45.0.7', false],
  ])('version %s in %s: %s', (version, range, inside) => {
    expect(inVersionRange(version, range)).toBe(inside);
  });
});

describe('with GitHub\u2019s facts: impostor commits, advisories, actions inside actions', () => {
  let facts: Awaited<ReturnType<typeof loadFacts>>;
  async function loadFacts() {
    const { createTableAuditFacts } = await import('../../src/audit/table-audit-facts.js');
    const { parseAdvisoriesFile } = await import('../../src/audit/advisories-file.js');
    const { readFile } = await import('node:fs/promises');
    return createTableAuditFacts(
      loadRefsDir(join(fixturesDir, 'audit', 'refs-today')),
      parseAdvisoriesFile(await readFile(join(fixturesDir, 'audit', 'advisories.json'), 'utf8')),
    );
  }
  beforeAll(async () => {
    facts = await loadFacts();
  });
  const report = (text: string) =>
    auditFiles([{ path: 'ci.yml', text, located: locateUsesSites(text, 'workflow') }], facts);

  it.each([
    [
      'a commit only in a fork',
      'uses: aquasecurity/trivy-action@badc0ffee0ddf00dbadc0ffee0ddf00dbadc0ffe',
      [['impostor-commit', 'high']],
    ],
    [
      'a commit in the history, no tag on it',
      'uses: aquasecurity/trivy-action@0123456789abcdef0123456789abcdef01234567',
      [],
    ],
    [
      'tj-actions\u2019 impostor, also known-compromised',
      'uses: tj-actions/changed-files@0e58ed8671d6b60d0890c21b07f8835ace038e67',
      [
        ['known-compromised', 'critical'],
        ['impostor-commit', 'high'],
      ],
    ],
    [
      'a version an advisory covers',
      'uses: tj-actions/changed-files@a284dc1814e3fd07f2e34267fc8f81227ed29fb8 # v45.0.7',
      [['advisory', 'high']],
    ],
    ['the patched version', 'uses: tj-actions/changed-files@2f7c5bfce28377bc069a65ba478de0a74aa0ca32 # v46.0.1', []],
  ])('%s', async (_name, line, expected) => {
    expect(brief((await report(workflow(line))).findings)).toEqual(expected);
  });

  it('names the first patched version of an advisory', async () => {
    const [finding] = (
      await report(workflow('uses: tj-actions/changed-files@a284dc1814e3fd07f2e34267fc8f81227ed29fb8 # v45.0.7'))
    ).findings;
    expect(finding!.message).toContain('first patched version: 46.0.1');
    expect(finding!.evidence).toMatchObject({ ghsaId: 'GHSA-mrrh-fwg8-r2c3', version: 'v45.0.7' });
  });

  it('reads trivy-action v0.28.0\u2019s own action.yml and finds setup-trivy@v0.2.1 called by a moved tag', async () => {
    const { findings, requireFullShaPolicy } = await report(
      workflow('uses: aquasecurity/trivy-action@915b19bbe73b92a6cf82a1bc12b087c9a19a5fe2 # v0.28.0'),
    );
    const nested = findings.filter((finding) => (finding.evidence as { chain?: unknown }).chain);
    expect(brief(nested)).toEqual([
      ['transitive', 'high'],
      ['transitive', 'medium'],
    ]);
    expect(nested[0]!.message).toMatch(
      /^inside aquasecurity\/trivy-action@915b19bb\S+'s action\.yml: aquasecurity\/setup-trivy@v0\.2\.1 was moved to malicious code from 2026-03-19T17:43:00Z/,
    );
    expect(nested[0]!.evidence).toMatchObject({
      chain: ['aquasecurity/trivy-action@915b19bbe73b92a6cf82a1bc12b087c9a19a5fe2', 'aquasecurity/setup-trivy@v0.2.1'],
    });
    expect(requireFullShaPolicy).toEqual({
      ready: false,
      blockers: ['aquasecurity/trivy-action@915b19bbe73b calls aquasecurity/setup-trivy@v0.2.1'],
    });
  });

  it('0.35.0 pins setup-trivy by SHA inside: nothing to say, and ready for the SHA policy', async () => {
    const { findings, requireFullShaPolicy } = await report(
      workflow('uses: aquasecurity/trivy-action@57a97c7e7821a5776cebc9bb87c984fa69cba8f1 # v0.35.0'),
    );
    expect(findings).toEqual([]);
    expect(requireFullShaPolicy).toEqual({ ready: true, blockers: [] });
  });
});

describe('a tag that is gone, with a v-prefixed twin', () => {
  it('is not pinned to the twin (no guessing), and the report names the twin', async () => {
    const { pinFiles } = await import('../../src/plan/pin-files.js');
    const text = workflow('uses: aquasecurity/trivy-action@0.33.1');
    const [file] = await pinFiles(
      [{ path: 'ci.yml', kind: 'workflow', text, located: locateUsesSites(text, 'workflow') }],
      today,
    );
    expect(file!.status).toBe('unchanged');
    const entry = 'plan' in file! ? file.plan.entries[0] : undefined;
    expect(entry).toMatchObject({
      action: 'skip',
      reason: expect.stringMatching(
        /no tag, branch or commit named "0\.33\.1".*; its twin v0\.33\.1 exists \(b6643a29\S+\): write @v0\.33\.1 if that is the release you meant$/,
      ),
    });
  });
});

describe('version comments are corrected in the pull request', () => {
  it('a major tag that moved on, and a tag the commit does not carry, become the commit\u2019s most specific tag', async () => {
    const { pinFiles } = await import('../../src/plan/pin-files.js');
    const { renderPullRequest } = await import('../../src/pull-request/render-pull-request.js');
    const text = workflow(
      'uses: acme/release@3333333333333333333333333333333333333333 # v4 keep my words',
      'uses: acme/release@4444444444444444444444444444444444444444 # v1.2.3',
      'uses: acme/release@3333333333333333333333333333333333333333 # v4.1.0',
    );
    const [file] = await pinFiles(
      [{ path: 'ci.yml', kind: 'workflow', text, located: locateUsesSites(text, 'workflow') }],
      today,
    );
    if (file?.status !== 'rewritten') throw new Error(`not rewritten: ${file?.status}`);
    expect(file.text).toBe(
      workflow(
        'uses: acme/release@3333333333333333333333333333333333333333 # v4.1.0 keep my words',
        'uses: acme/release@4444444444444444444444444444444444444444 # v4.2.0',
        'uses: acme/release@3333333333333333333333333333333333333333 # v4.1.0',
      ),
    );
    const { body } = renderPullRequest({
      plan: {
        pinned: [file],
        unreadable: [],
        ignoredPaths: [],
        located: [],
        dependabot: undefined,
        changes: [{ path: 'ci.yml', text: file.text }],
      },
      title: 'Pin',
      webUrl: 'https://github.com',
    });
    expect(body).toContain('### Version comments corrected: 2 pins');
  });
});

describe('GitHub\u2019s workflow lockfile (actions.lock)', () => {
  const LOCK = [
    '# generated by gh actions-lock; do not edit',
    "version: 'v0.0.2'",
    'workflows:',
    '  .github/workflows/locked.yml:',
    '    - aquasecurity/trivy-action@0.34.2',
    '    - acme/release@v1.2.3',
    'dependencies:',
    '  aquasecurity/trivy-action@0.34.2:',
    "    ref: '0.34.2'",
    "    commit: 'sha1-ddb9da4475c1cef7d5389062bdfdfbdbd1394648'",
    '  acme/release@v1.2.3:',
    "    ref: 'v1.2.3'",
    "    commit: 'sha1-1111111111111111111111111111111111111111'",
    '',
  ].join('\n');
  const locked = workflow('uses: aquasecurity/trivy-action@0.34.2', 'uses: acme/release@v1.2.3');
  const free = workflow('uses: acme/release@v4');

  it('pin leaves the workflows it lists as they are and pins the others', async () => {
    const { tempRepo } = await import('../support/temp-repo.js');
    const { runCli } = await import('../support/run-cli.js');
    const { readFileSync } = await import('node:fs');
    const root = tempRepo({
      '.github/workflows/actions.lock': LOCK,
      '.github/workflows/locked.yml': locked,
      '.github/workflows/free.yml': free,
    });
    const { code, stdout } = await runCli(
      ['pin', '--refs', join(fixturesDir, 'audit', 'refs-today'), '--format', 'json'],
      root,
    );
    expect(readFileSync(join(root, '.github/workflows/locked.yml'), 'utf8')).toBe(locked);
    expect(readFileSync(join(root, '.github/workflows/free.yml'), 'utf8')).toBe(
      workflow('uses: acme/release@4444444444444444444444444444444444444444 # v4.2.0'),
    );
    expect(JSON.parse(stdout).notes).toEqual([
      expect.stringMatching(
        /^left as they are, onboarded to \.github\/workflows\/actions\.lock \(regenerate it with gh actions-lock\): \.github\/workflows\/locked\.yml$/,
      ),
    ]);
    expect(code).toBe(0);
    const scan = await runCli(['scan', '--format', 'json'], root);
    expect(
      JSON.parse(scan.stdout)
        .files.find((file: { path: string }) => file.path.endsWith('locked.yml'))
        .refs.map((ref: { why: string }) => ref.why),
    ).toEqual(['locked', 'locked']);
  });

  it('a lockfile GitHub cannot read is a high finding, and its workflows are pinned as any other', async () => {
    const { tempRepo } = await import('../support/temp-repo.js');
    const { runCli } = await import('../support/run-cli.js');
    const { readFileSync } = await import('node:fs');
    const root = tempRepo({
      '.github/workflows/actions.lock': 'workflows: [unclosed\n',
      '.github/workflows/free.yml': free,
    });
    await runCli(['pin', '--refs', join(fixturesDir, 'audit', 'refs-today')], root);
    expect(readFileSync(join(root, '.github/workflows/free.yml'), 'utf8')).toBe(
      workflow('uses: acme/release@4444444444444444444444444444444444444444 # v4.2.0'),
    );
    const { stdout } = await runCli(
      ['audit', '--refs', join(fixturesDir, 'audit', 'refs-today'), '--format', 'json'],
      root,
    );
    const findings = (JSON.parse(stdout) as { findings: Finding[] }).findings;
    expect(findings.filter((finding) => finding.check === 'actions-lock')).toEqual([
      expect.objectContaining({
        severity: 'high',
        message: expect.stringContaining('GitHub cannot read this lockfile'),
      }),
    ]);
  });

  it('a lockfile that lists a reference its workflow does not use (or misses one it does) is a high finding', async () => {
    const { checkActionsLock } = await import('../../src/audit/actions-lock-findings.js');
    const { locateUsesSites } = await import('../../src/workflow/locate-uses-sites.js');
    const lockfile = { path: '.github/workflows/actions.lock', text: LOCK };
    const at = (text: string) => [{ path: '.github/workflows/locked.yml', located: locateUsesSites(text, 'workflow') }];
    expect(checkActionsLock(lockfile, at(locked))).toEqual([]);
    const drifted = workflow('uses: aquasecurity/trivy-action@0.34.2', 'uses: acme/release@v1.3.0');
    const [finding, ...more] = checkActionsLock(lockfile, at(drifted));
    expect(more).toEqual([]);
    expect(finding).toMatchObject({
      check: 'actions-lock',
      severity: 'high',
      line: 4,
      evidence: { stale: ['acme/release@v1.2.3'], unlisted: ['acme/release@v1.3.0'] },
    });
  });

  it('audit checks the commits it records: a bad commit, a release tag that now names another', async () => {
    const { tempRepo } = await import('../support/temp-repo.js');
    const { runCli } = await import('../support/run-cli.js');
    const root = tempRepo({ '.github/workflows/actions.lock': LOCK, '.github/workflows/locked.yml': locked });
    const { code, stdout } = await runCli(
      ['audit', '--refs', join(fixturesDir, 'audit', 'refs-today'), '--format', 'json'],
      root,
    );
    expect(code).toBe(1);
    const findings = (JSON.parse(stdout) as { findings: Finding[] }).findings;
    const onLock = findings.filter((finding) => finding.path.endsWith('actions.lock'));
    expect(onLock.map((finding) => [finding.check, finding.severity, finding.line])).toEqual([
      ['known-compromised', 'critical', 8],
      ['tag-moved', 'high', 11],
      // trivy-action's `0.34.2` is gone today (the tags were re-created with a v, this one not).
      ['comment-mismatch', 'low', 8],
    ]);
    // The locked workflow's tags are not called unpinned: the lockfile pins them.
    expect(findings.filter((finding) => finding.check === 'unpinned')).toEqual([]);
  });
});

describe('the order of findings', () => {
  it('is severity, then path in code units (as Git sorts), then line: the same on every machine', async () => {
    const workflow = 'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n';
    const files = ['b.yml', 'B.yml', 'a.yml'].map((path) => ({
      path,
      text: workflow,
      located: locateUsesSites(workflow, 'workflow'),
    }));
    const { findings } = await auditFiles(files, createTableRefResolver([]));
    // Locale collation would give a, b, B.
    expect([...new Set(findings.map((finding) => finding.path))]).toEqual(['B.yml', 'a.yml', 'b.yml']);
  });
});
