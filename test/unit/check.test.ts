// The check's pure parts: the lines a patch wrote, the conclusion, and the fix of flagged lines only.
import { describe, expect, it } from 'vitest';
import { touchedLines } from '../../src/check/changed-lines.js';
import { conclusionOf, planFix, weighForCheck } from '../../src/check/plan-check.js';
import { imageKey } from '../../src/images/image-digests.js';
import { locateImageFile } from '../../src/images/locate-image-file.js';
import type { Finding } from '../../src/audit/types.js';
import { refKey } from '../../src/resolve/types.js';
import type { Resolution } from '../../src/resolve/types.js';
import { toCommitSha } from '../../src/common/commit-sha.js';
import { renderCheck } from '../../src/check/render-check.js';
import { nodeTypes, renderedText } from '../support/rendered.js';
import { locateUsesSites } from '../../src/workflow/locate-uses-sites.js';

describe('touchedLines', () => {
  it('numbers the + lines as in the new file, skipping removed ones, across hunks', () => {
    const patch = [
      '@@ -1,4 +1,5 @@',
      ' a',
      '-b',
      '+B',
      '+C',
      ' d',
      '@@ -20,3 +21,3 @@ jobs:',
      ' x',
      '-y',
      '+Y',
      ' z',
      '\\ No newline at end of file',
    ].join('\n');
    expect([...(touchedLines({ status: 'modified', patch }) as Set<number>)]).toEqual([2, 3, 22]);
    expect(touchedLines({ status: 'added' })).toBe('all');
    // No patch (too large for GitHub's diff, or a pure rename): every line counts as written.
    expect(touchedLines({ status: 'modified' })).toBe('all');
    expect(touchedLines({ status: 'renamed' })).toBe('all');
  });
});

const finding = (line: number, check: Finding['check'], severity: Finding['severity']): Finding => ({
  path: 'ci.yml',
  line,
  uses: 'x',
  check,
  severity,
  message: 'm',
  evidence: {},
});

describe('conclusionOf', () => {
  it('weighs a written unpinned line as high, blames only written lines, and follows the config', () => {
    const touched = new Set([5]);
    const weighed = weighForCheck(
      [finding(5, 'unpinned', 'medium'), finding(9, 'known-compromised', 'critical')],
      () => touched,
    );
    expect(weighed.map((entry) => [entry.line, entry.severity, entry.touched])).toEqual([
      [9, 'critical', false],
      [5, 'high', true],
    ]);
    expect(conclusionOf(weighed, 'failure')).toBe('failure');
    expect(conclusionOf(weighed, 'neutral')).toBe('neutral');
    expect(
      conclusionOf(
        weighForCheck([finding(5, 'latest-image', 'medium')], () => touched),
        'failure',
      ),
    ).toBe('neutral');
    expect(
      conclusionOf(
        weighForCheck([finding(9, 'unpinned', 'medium')], () => touched),
        'failure',
      ),
    ).toBe('success');
  });
});

describe('planFix', () => {
  it('pins only the references on written lines, every other byte kept', () => {
    const text =
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: acme/old@v1\n      - uses: acme/new@v2 # added\n';
    const sha = toCommitSha('a'.repeat(40))!;
    const resolutions = new Map<ReturnType<typeof refKey>, Resolution>([
      [
        refKey({ owner: 'acme', repo: 'new', ref: 'v2' }),
        { status: 'resolved', sha, refType: 'tag', tag: 'v2.1.0', tagsOnCommit: ['v2', 'v2.1.0'], ambiguous: false },
      ],
    ]);
    const [fix] = planFix({
      workflows: [
        { path: 'ci.yml', kind: 'workflow', text, located: locateUsesSites(text, 'workflow'), touched: new Set([7]) },
      ],
      images: [],
      resolutions,
      imageResolutions: new Map(),
    });
    expect(fix!.text).toBe(text.replace('acme/new@v2 # added', `acme/new@${sha} # v2.1.0 added`));
    expect([...fix!.lines.keys()]).toEqual([7]);
  });
});

describe('renderCheck', () => {
  it('shows a fork its replacement lines verbatim, whatever backticks and HTML a line holds', () => {
    const line = '      - uses: acme/x@' + 'a'.repeat(40) + ' # v1.0.0 ```` <img src=x onerror=alert(1)> @admin';
    const text = renderCheck({
      findings: [],
      conclusion: 'failure',
      fixes: [{ path: '.github/workflows/`x`.yml', text: '', lines: new Map([[3, line]]) }],
      untouchedUnpinned: 0,
      fork: true,
      checkedFiles: 1,
    }).text!;
    expect(nodeTypes(text).has('html')).toBe(false);
    expect(renderedText(text)).toContain(`${line}\n`);
  });
});

describe('planFix and images.verify', () => {
  it('does not write a touched image’s digest when the signature its rules require is not there', () => {
    const text =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: ghcr.io/acme/app:1.0}\n  - {name: b, image: nginx:1.27}\n';
    const file = { path: 'pod.yaml', kind: 'kubernetes' as const, text };
    const digest = `sha256:${'1'.repeat(64)}`;
    const resolved = { status: 'resolved' as const, digest, mediaType: undefined, method: 'HEAD' as const };
    const imageResolutions = new Map([
      [imageKey({ registry: 'ghcr.io', repository: 'acme/app', tag: '1.0' }), resolved],
      [imageKey({ registry: 'docker.io', repository: 'library/nginx', tag: '1.27' }), resolved],
    ]);
    const rules = [{ image: 'ghcr.io/acme/*', identity: '.*', issuer: 'https://token.actions.githubusercontent.com' }];
    const [fix] = planFix({
      workflows: [],
      images: [{ ...file, located: locateImageFile(file), touched: new Set([6, 7]) }],
      resolutions: new Map(),
      imageResolutions,
      imageSignatures: { facts: new Map(), rules },
    });
    expect(fix!.text).toContain('image: ghcr.io/acme/app:1.0}');
    expect(fix!.text).toContain(`image: nginx:1.27@${digest}}`);
  });
});
