import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditFiles } from '../../../src/audit/audit-files.js';
import { createTableAuditFacts } from '../../../src/audit/table-audit-facts.js';
import { locateUsesSites } from '../../../src/workflow/locate-uses-sites.js';
import type { RepoRefs } from '../../../src/resolve/repo-refs.js';
import { createPinTrust } from '../../../src/trust/pin-trust.js';
import { DEFAULT_TRUST_POLICY } from '../../../src/trust/types.js';
import { fixturesDir } from '../../support/paths.js';

const sha = (n: number) => n.toString(16).padStart(40, '0');
const file = (...uses: string[]) => {
  const text = `on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n${uses.map((value) => `      - uses: ${value}\n`).join('')}`;
  return { path: '.github/workflows/ci.yml', text, located: locateUsesSites(text, 'workflow') };
};
const refs = (immutable: boolean): RepoRefs => ({
  repo: 'acme/tool',
  default_branch: 'main',
  head: sha(2),
  tags: [{ name: 'v1.0.1', sha: sha(2), tag_object_sha: null }],
  branches: [{ name: 'main', sha: sha(2) }],
  commits: [
    { sha: sha(1), reachable: true, parents: [] },
    { sha: sha(2), reachable: true, parents: [sha(1)] },
  ],
  releases: [{ tag: 'v1.0.1', publishedAt: '2026-01-01T00:00:00Z', immutable }],
});

describe('the audit and pin-time trust', () => {
  it('says a pin whose immutable release names another commit is a mismatch from the start, not a moved tag', async () => {
    const pinned = file(`acme/tool@${sha(1)} # v1.0.1`);
    const mutable = await auditFiles([pinned], createTableAuditFacts([refs(false)]));
    expect(mutable.findings.map((finding) => [finding.check, finding.severity])).toContainEqual(['tag-moved', 'high']);
    const immutable = await auditFiles([pinned], createTableAuditFacts([refs(true)]));
    expect(immutable.findings.map((finding) => finding.check)).not.toContain('tag-moved');
    expect(immutable.findings.find((finding) => finding.check === 'comment-mismatch')).toMatchObject({
      severity: 'medium',
      evidence: { immutable: true },
    });
  });

  it('reports what pinning the tags in use now would write', async () => {
    const hijacked = JSON.parse(
      readFileSync(join(fixturesDir, 'trust', 'refs', 'acme__hijacked.json'), 'utf8'),
    ) as RepoRefs;
    const facts = createTableAuditFacts([hijacked]);
    const trust = { trust: createPinTrust(facts.trust!, { isKnownGood: () => false }), policy: DEFAULT_TRUST_POLICY };
    const report = await auditFiles([file('acme/hijacked@v1', 'acme/hijacked@v1.2.0')], facts, undefined, { trust });
    const trusted = report.findings.filter((finding) => finding.check === 'impostor-tag');
    expect(trusted.map((finding) => [finding.line, finding.severity])).toEqual([[6, 'critical']]);
    expect(trusted[0]!.message).toMatch(/^pinning @v1 now would write a commit that must not run: /);
    const without = await auditFiles([file('acme/hijacked@v1')], facts);
    expect(without.findings.map((finding) => finding.check)).not.toContain('impostor-tag');
  });

  it('is not silent about a pin written while the tag was hijacked: a tag naming the commit does not make it trusted', async () => {
    const hijacked = JSON.parse(
      readFileSync(join(fixturesDir, 'trust', 'refs', 'acme__hijacked.json'), 'utf8'),
    ) as RepoRefs;
    const bad = hijacked.tags.find((tag) => tag.name === 'v1.3.0')!.sha;
    const good = hijacked.tags.find((tag) => tag.name === 'v1.2.0')!.sha;
    const facts = createTableAuditFacts([hijacked]);
    const trust = { trust: createPinTrust(facts.trust!, { isKnownGood: () => false }), policy: DEFAULT_TRUST_POLICY };
    const report = await auditFiles(
      [file(`acme/hijacked@${bad} # v1.3.0`, `acme/hijacked@${good} # v1.2.0`)],
      facts,
      undefined,
      { trust },
    );
    const held = report.findings.filter((finding) => finding.check === 'impostor-tag');
    expect(held.map((finding) => [finding.line, finding.severity])).toEqual([[6, 'critical']]);
    expect(held[0]!.message).toMatch(/^the pinned commit is what @v1\.3\.0 names, and that does not make it trusted: /);
    // Only the checks that would have held it: no release-not-descendant or fresh-release noise on existing pins.
    expect(
      report.findings.filter(
        (finding) => finding.line === 7 && ['release-not-descendant', 'fresh-release'].includes(finding.check),
      ),
    ).toEqual([]);
  });
});
