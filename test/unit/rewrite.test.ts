import { describe, expect, it } from 'vitest';
import { toCommitSha } from '../../src/common/commit-sha.js';
import type { CommitSha } from '../../src/common/commit-sha.js';
import { applyEdits } from '../../src/rewrite/apply-edits.js';
import { decideComment, quoteValue } from '../../src/rewrite/format-pin.js';
import { planPins } from '../../src/plan/plan-pins.js';
import { rewriteFile } from '../../src/plan/rewrite-file.js';
import { verifyRewrite } from '../../src/rewrite/verify-rewrite.js';
import { refKey } from '../../src/resolve/types.js';
import type { RefKey, Resolution } from '../../src/resolve/types.js';
import { mostSpecificVersionTag } from '../../src/resolve/version-tags.js';
import { locateUsesSites } from '../../src/workflow/locate-uses-sites.js';

const SHA = toCommitSha('0123456789abcdef0123456789abcdef01234567') as CommitSha;

function resolved(over: Partial<Extract<Resolution, { status: 'resolved' }>> = {}): Resolution {
  return {
    status: 'resolved',
    sha: SHA,
    refType: 'tag',
    tag: 'v4.2.2',
    tagsOnCommit: ['v4', 'v4.2', 'v4.2.2'],
    ambiguous: false,
    ...over,
  };
}

function pinText(text: string, resolutions: Record<string, Resolution>) {
  const located = locateUsesSites(text, 'workflow');
  if (!located.ok) throw new Error(located.error);
  const map = new Map(Object.entries(resolutions).map(([key, value]) => [key as RefKey, value]));
  return rewriteFile({ text, references: located.references, resolutions: map });
}

describe('quoteValue', () => {
  it.each([
    ['plain', 'a/b@x', 'a/b@x'],
    ['single', "a/b@x'y", "'a/b@x''y'"],
    ['double', 'a/b@x"y\\', '"a/b@x\\"y\\\\"'],
  ] as const)('%s', (quote, value, expected) => {
    expect(quoteValue(value, quote)).toBe(expected);
  });
});

describe('decideComment', () => {
  const tagsOnCommit = ['v4', 'v4.2', 'v4.2.2'];
  it.each([
    [undefined, { kind: 'write', text: '# v4.2.2' }],
    ['# v4.2.2', { kind: 'keep' }],
    // A bare vaguer tag of the same commit gives way to the most specific one; a sentence about
    // that tag stays the author's (another version in it would make it false).
    ['#v4', { kind: 'write', text: '# v4.2.2' }],
    ['# v4 is both a tag and a branch', { kind: 'keep' }],
    ['# v4.2 pinned by hand', { kind: 'keep' }],
    ['# v4.1.0 old', { kind: 'write', text: '# v4.2.2 old' }],
    ['# keep me', { kind: 'write', text: '# v4.2.2 keep me' }],
    ['#', { kind: 'write', text: '# v4.2.2' }],
    ['## note', { kind: 'write', text: '# v4.2.2 note' }],
  ])('%j', (existing, decision) => {
    expect(decideComment({ existing, label: 'v4.2.2', tagsOnCommit })).toEqual(decision);
  });
});

describe('mostSpecificVersionTag', () => {
  it.each([
    ['v4', ['v4', 'v4.2', 'v4.2.2'], 'v4.2.2'],
    ['v4', ['v4', '4.2.2', 'v4.2.2'], 'v4.2.2'],
    ['4', ['v4.2.2', '4.2.2'], '4.2.2'],
    ['v4', ['v4', 'latest'], 'v4'],
    ['stable', ['stable', 'v1.2.3'], 'v1.2.3'],
    ['v1', ['v1', 'v1.10.0', 'v1.9.0'], 'v1.10.0'],
    ['v2', ['v2', 'v1.9.9'], 'v2'],
    ['nightly', ['nightly'], 'nightly'],
    ['v1', ['v1.0.0-rc.1'], undefined],
  ])('%s among %j → %s', (ref, tags, expected) => {
    expect(mostSpecificVersionTag(ref, tags)).toBe(expected);
  });
});

describe('planPins', () => {
  it('keeps local and pinned refs, skips with reasons, and pins resolved tags', () => {
    const text = [
      'jobs:',
      '  a:',
      '    steps:',
      '      - uses: ./local',
      `      - uses: a/b@${SHA}`,
      '      - uses: a/b@v4',
      '      - uses: a/b@gone',
      '      - uses: a/b@limited',
      '      - uses: docker://x:1',
      '',
    ].join('\n');
    const located = locateUsesSites(text, 'workflow');
    if (!located.ok) throw new Error(located.error);
    const resolutions = new Map<RefKey, Resolution>([
      [refKey({ owner: 'a', repo: 'b', ref: 'v4' }), resolved()],
      [
        refKey({ owner: 'a', repo: 'b', ref: 'gone' }),
        { status: 'not-found', missing: 'ref', reason: 'no tag or branch named "gone"' },
      ],
      [
        refKey({ owner: 'a', repo: 'b', ref: 'limited' }),
        { status: 'rate-limited', reason: 'rate limited until 12:00' },
      ],
    ]);
    const plan = planPins({ references: located.references, resolutions });
    expect(
      plan.entries.map((entry) =>
        entry.action === 'pin'
          ? `pin ${entry.pin.after} ${entry.pin.comment}`
          : entry.action === 'keep'
            ? `keep ${entry.why}`
            : `skip ${entry.reason}`,
      ),
    ).toEqual([
      'keep local',
      'keep pinned',
      `pin a/b@${SHA} # v4.2.2`,
      'skip no tag or branch named "gone"',
      'skip rate limited until 12:00',
      'keep image',
    ]);
  });

  it('reports a pinned SHA the repository does not hold', () => {
    const text = `jobs:\n  a:\n    steps:\n      - uses: a/b@${SHA}\n`;
    const result = pinText(text, {
      [refKey({ owner: 'a', repo: 'b', ref: SHA })]: {
        status: 'not-found',
        missing: 'ref',
        reason: 'commit not in a/b',
      },
    });
    expect(result.status).toBe('unchanged');
    expect(result.plan.entries[0]).toMatchObject({
      action: 'skip',
      reason: expect.stringMatching(/could not be confirmed.*commit not in a\/b/),
    });
  });

  it('labels a branch pin with the branch name and writes no tag', () => {
    const result = pinText('jobs:\n  a:\n    steps:\n      - uses: a/b@main\n', {
      [refKey({ owner: 'a', repo: 'b', ref: 'main' })]: resolved({
        refType: 'branch',
        tag: undefined,
        tagsOnCommit: [],
      }),
    });
    expect(result.status === 'rewritten' && result.text).toBe(
      `jobs:\n  a:\n    steps:\n      - uses: a/b@${SHA} # main\n`,
    );
  });

  it('matches owner and repository case-insensitively, as GitHub does', () => {
    const result = pinText('jobs:\n  a:\n    steps:\n      - uses: Actions/Checkout@v4\n', {
      [refKey({ owner: 'actions', repo: 'checkout', ref: 'v4' })]: resolved(),
    });
    expect(result.status === 'rewritten' && result.text).toContain(`Actions/Checkout@${SHA} # v4.2.2`);
  });
});

describe('applyEdits', () => {
  it('splices in any order and refuses overlapping edits', () => {
    expect(
      applyEdits('abcdef', [
        { start: 4, end: 5, text: 'E' },
        { start: 0, end: 1, text: 'A' },
      ]),
    ).toBe('AbcdEf');
    expect(() =>
      applyEdits('abcdef', [
        { start: 0, end: 3, text: 'x' },
        { start: 2, end: 4, text: 'y' },
      ]),
    ).toThrow(/overlaps/);
    expect(() => applyEdits('abc', [{ start: 2, end: 9, text: 'x' }])).toThrow(/leaves the text/);
  });
});

describe('verifyRewrite', () => {
  const original = 'jobs:\n  a:\n    steps:\n      - uses: a/b@v1\n        with: {x: 1}\n';
  const start = original.indexOf('a/b@v1');
  const expected = new Map([[start, `a/b@${SHA}`]]);

  it('accepts a rewrite that changes only the planned value', () => {
    expect(verifyRewrite({ original, updated: original.replace('a/b@v1', `a/b@${SHA} # v1.0.0`), expected })).toEqual({
      ok: true,
    });
  });

  it('rejects a rewrite that changes anything else, or holds the wrong value', () => {
    expect(
      verifyRewrite({ original, updated: original.replace('a/b@v1', `a/b@${SHA}`).replace('x: 1', 'x: 2'), expected }),
    ).toMatchObject({ ok: false, problem: expect.stringMatching(/value changed/) });
    expect(verifyRewrite({ original, updated: original.replace('a/b@v1', 'a/b@v2'), expected })).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/planned/),
    });
    expect(
      verifyRewrite({ original, updated: original.replace('a/b@v1', `a/b@${SHA} # v1\n  broken: [`), expected }),
    ).toMatchObject({ ok: false, problem: expect.stringMatching(/does not parse/) });
    expect(
      verifyRewrite({
        original,
        updated: original.replace('a/b@v1', `a/b@${SHA}`).replace('{x: 1}', '{x: 1, y: 2}'),
        expected,
      }),
    ).toMatchObject({ ok: false, problem: expect.stringMatching(/number of keys/) });
  });

  it('rejects the file instead of writing it when the splice would change meaning', () => {
    // A value that YAML would read differently unquoted: the plain splice must not be written.
    const text = "jobs:\n  a:\n    steps:\n      - uses: 'a/b@v1'\n";
    const result = pinText(text, {
      [refKey({ owner: 'a', repo: 'b', ref: 'v1' })]: resolved({ sha: 'f'.repeat(40) as CommitSha }),
    });
    expect(result.status).toBe('rewritten');
    const located = locateUsesSites(text, 'workflow');
    if (!located.ok) throw new Error(located.error);
    const site = located.references[0]!.site;
    const tampered = { ...located.references[0]!, site: { ...site, quote: 'plain' as const, commentSafe: true } };
    const forged = rewriteFile({
      text: text.replace("'a/b@v1'", "'a/b@v1' "),
      references: [{ ...tampered, site: { ...tampered.site, valueEnd: site.valueEnd - 1 } }],
      resolutions: new Map([[refKey({ owner: 'a', repo: 'b', ref: 'v1' }), resolved()]]),
    });
    expect(forged.status).toBe('rejected');
  });
});
