// The findings as a maintainer reads them: the kind of file named, only secrets that can be rotated,
// the version to use instead of a known-bad image, critical first, the issue linked, said once.
import { describe, expect, it } from 'vitest';
import { auditImages } from '../../src/audit/audit-images.js';
import { findingsIssueLines, findingsSection } from '../../src/audit/render-findings-markdown.js';
import type { Finding } from '../../src/audit/types.js';
import { locateImages } from '../../src/images/locate-image-file.js';
import { renderedText } from '../support/rendered.js';

const COMPOSE = 'services:\n  scan:\n    image: aquasec/trivy:0.69.4\n';

function imageFindings(): Finding[] {
  const located = locateImages(COMPOSE, 'compose');
  if (!located.ok) throw new Error(located.error);
  return auditImages('compose.yaml', located.images, new Map());
}

describe('what the findings say', () => {
  it('names the kind of file, the version to use instead, and no GITHUB_TOKEN to rotate', () => {
    const findings = imageFindings();
    const lines = findingsIssueLines(findings, () => `${COMPOSE}# \${{ secrets.GITHUB_TOKEN }}\n`)!.join('\n');
    const text = renderedText(lines);
    expect(text).toContain("in this repository's compose files");
    expect(text).toContain('Use 0.69.3 instead');
    expect(lines).toContain('`0.69.3`');
    expect(text).not.toContain('GITHUB_TOKEN');
  });

  it('lists critical first and links the findings issue', () => {
    const low: Finding = {
      path: 'a.yml',
      line: 1,
      uses: 'x',
      check: 'comment-mismatch',
      severity: 'low',
      message: 'm',
      evidence: {},
    };
    const section = findingsSection([low, ...imageFindings()], 'https://github.com/o/r/issues/7').join('\n');
    expect(section).toContain('[the issue pinwarden opened](https://github.com/o/r/issues/7)');
    const severities = [...section.matchAll(/^- \*\*(\w+)\*\*/gm)].map((match) => match[1]);
    expect(severities).toEqual(['critical', 'low']);
  });
});
