import { describe, expect, it } from 'vitest';
import { classifyRefName, parseActionRef } from '../../src/workflow/parse-action-ref.js';

const SHA = 'b4ffde65f46336ab88eb53be808477a3936bae11';

describe('parseActionRef', () => {
  it.each([
    [
      'actions/checkout@v4',
      { kind: 'action', owner: 'actions', repo: 'checkout', path: undefined, ref: 'v4', refKind: 'version-tag' },
    ],
    [
      'github/codeql-action/init@v3.27.0',
      { kind: 'action', owner: 'github', repo: 'codeql-action', path: 'init', ref: 'v3.27.0', refKind: 'version-tag' },
    ],
    [
      `actions/checkout@${SHA}`,
      { kind: 'action', owner: 'actions', repo: 'checkout', path: undefined, ref: SHA, refKind: 'full-sha' },
    ],
    [
      'actions/checkout@b4ffde6',
      { kind: 'action', owner: 'actions', repo: 'checkout', path: undefined, ref: 'b4ffde6', refKind: 'short-sha' },
    ],
    [
      'dtolnay/rust-toolchain@stable',
      { kind: 'action', owner: 'dtolnay', repo: 'rust-toolchain', path: undefined, ref: 'stable', refKind: 'other' },
    ],
    [
      'org/repo/.github/workflows/ci.yml@main',
      {
        kind: 'reusable-workflow',
        owner: 'org',
        repo: 'repo',
        path: '.github/workflows/ci.yml',
        ref: 'main',
        refKind: 'other',
      },
    ],
    [
      'org/repo/.github/workflows/ci.yaml@1.2.3',
      {
        kind: 'reusable-workflow',
        owner: 'org',
        repo: 'repo',
        path: '.github/workflows/ci.yaml',
        ref: '1.2.3',
        refKind: 'version-tag',
      },
    ],
    [
      'org/repo/.github/workflows/sub/ci.yml@v1',
      {
        kind: 'action',
        owner: 'org',
        repo: 'repo',
        path: '.github/workflows/sub/ci.yml',
        ref: 'v1',
        refKind: 'version-tag',
      },
    ],
    [
      'owner/repo@feature/with-slash',
      { kind: 'action', owner: 'owner', repo: 'repo', path: undefined, ref: 'feature/with-slash', refKind: 'other' },
    ],
    ['./.github/actions/setup', { kind: 'local', path: './.github/actions/setup' }],
    ['docker://alpine:3.20', { kind: 'docker', image: 'alpine:3.20', digest: undefined }],
    [
      `docker://alpine@sha256:${'a'.repeat(64)}`,
      { kind: 'docker', image: `alpine@sha256:${'a'.repeat(64)}`, digest: `sha256:${'a'.repeat(64)}` },
    ],
  ])('%s', (value, expected) => {
    expect(parseActionRef(value)).toEqual(expected);
  });

  it.each([
    ['actions/checkout', /missing `@ref`/],
    ['actions/checkout@', /empty ref/],
    ['${{ matrix.action }}@v1', /expression inside other text/],
    ['${{ matrix.action }}', /not a literal; what it names is known only when the workflow runs/],
    ["actions/checkout@${{ 'v4' }}", /expression inside other text/],
    ['actions@v1', /repository name/],
    ['-bad/repo@v1', /owner name/],
    ['owner/repo//path@v1', /path segment/],
    ['owner/repo/../x@v1', /path segment/],
    ['', /empty/],
    [' actions/checkout@v4', /white space/],
  ])('rejects %j', (value, reason) => {
    const ref = parseActionRef(value);
    expect(ref.kind).toBe('invalid');
    if (ref.kind === 'invalid') expect(ref.reason).toMatch(reason);
  });
});

describe('classifyRefName', () => {
  it.each([
    ['v4', 'version-tag'],
    ['v4.2', 'version-tag'],
    ['v4.2.2', 'version-tag'],
    ['1.2.3', 'version-tag'],
    ['main', 'other'],
    ['release/v1', 'other'],
    ['v4.2.2-beta.1', 'other'],
    ['abc1234', 'short-sha'],
    [SHA, 'full-sha'],
    [SHA.toUpperCase(), 'other'],
  ])('%s → %s', (ref, kind) => {
    expect(classifyRefName(ref)).toBe(kind);
  });

  it('folds a whole literal expression as GitHub does, and reads `$/` as the same repository', () => {
    expect(parseActionRef("${{ 'actions/checkout@v4' }}")).toMatchObject({
      kind: 'action',
      owner: 'actions',
      repo: 'checkout',
      ref: 'v4',
    });
    expect(parseActionRef("${{'it''s/odd@v1'}}")).toMatchObject({ kind: 'invalid' });
    expect(parseActionRef("${{ 'docker://alpine:3' }}")).toMatchObject({ kind: 'docker', image: 'alpine:3' });
    expect(parseActionRef('$/.github/workflows/reusable.yml')).toEqual({
      kind: 'local',
      path: '$/.github/workflows/reusable.yml',
    });
  });
});
