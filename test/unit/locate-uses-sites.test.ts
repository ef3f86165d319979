import { describe, expect, it } from 'vitest';
import { locateUsesSites } from '../../src/workflow/locate-uses-sites.js';
import type { FileKind, LocateResult } from '../../src/workflow/types.js';

function located(text: string, kind: FileKind = 'workflow') {
  const result: LocateResult = locateUsesSites(text, kind);
  if (!result.ok) throw new Error(`expected a parse, got: ${result.error}`);
  return result.references.map(({ site }) => ({
    value: site.value,
    line: site.line,
    source: text.slice(site.valueStart, site.valueEnd),
    quote: site.quote,
    context: site.context,
    comment: site.comment?.text,
    commentSafe: site.commentSafe,
    inFlow: site.inFlow,
  }));
}

describe('locateUsesSites', () => {
  it('finds step and job-level uses, skipping run blocks that mention uses', () => {
    const text = [
      'on: push',
      'jobs:',
      '  call:',
      '    uses: org/repo/.github/workflows/ci.yml@v1',
      '  build:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - run: |',
      '          echo "uses: fake/action@v1"',
      '          uses: also/fake@v2',
      '      - name: setup',
      '        uses: actions/setup-node@v4 # pinned later',
      '',
    ].join('\n');
    expect(located(text)).toEqual([
      {
        value: 'org/repo/.github/workflows/ci.yml@v1',
        line: 4,
        source: 'org/repo/.github/workflows/ci.yml@v1',
        quote: 'plain',
        context: 'job',
        comment: undefined,
        commentSafe: true,
        inFlow: false,
      },
      {
        value: 'actions/checkout@v4',
        line: 8,
        source: 'actions/checkout@v4',
        quote: 'plain',
        context: 'step',
        comment: undefined,
        commentSafe: true,
        inFlow: false,
      },
      {
        value: 'actions/setup-node@v4',
        line: 13,
        source: 'actions/setup-node@v4',
        quote: 'plain',
        context: 'step',
        comment: '# pinned later',
        commentSafe: true,
        inFlow: false,
      },
    ]);
  });

  it('reads quoted keys and values, values on the next line, tabs before comments and CRLF', () => {
    const text =
      'jobs:\r\n  a:\r\n    steps:\r\n      - "uses": \'actions/checkout@v4\'\t# c\r\n      - uses:\r\n          "actions/cache@v4"  \r\n';
    expect(located(text)).toEqual([
      {
        value: 'actions/checkout@v4',
        line: 4,
        source: "'actions/checkout@v4'",
        quote: 'single',
        context: 'step',
        comment: '# c',
        commentSafe: true,
        inFlow: false,
      },
      {
        value: 'actions/cache@v4',
        line: 6,
        source: '"actions/cache@v4"',
        quote: 'double',
        context: 'step',
        comment: undefined,
        commentSafe: true,
        inFlow: false,
      },
    ]);
  });

  it('handles a byte-order mark without shifting offsets', () => {
    const text = '\uFEFFjobs:\n  a:\n    steps:\n      - uses: actions/checkout@v4\n';
    const [site] = located(text);
    expect(site?.source).toBe('actions/checkout@v4');
  });

  it('finds flow-style steps and ignores a # inside another scalar on the line', () => {
    const text =
      'jobs:\n  a:\n    steps:\n      - {uses: actions/checkout@v4, with: {note: "a #b"}} # trailing\n      - {name: x, uses: a/b@v1}\n';
    expect(located(text)).toEqual([
      {
        value: 'actions/checkout@v4',
        line: 4,
        source: 'actions/checkout@v4',
        quote: 'plain',
        context: 'step',
        comment: '# trailing',
        commentSafe: true,
        inFlow: true,
      },
      {
        value: 'a/b@v1',
        line: 5,
        source: 'a/b@v1',
        quote: 'plain',
        context: 'step',
        comment: undefined,
        commentSafe: true,
        inFlow: true,
      },
    ]);
  });

  it('marks two uses on one line as unsafe for comments', () => {
    const text = 'jobs:\n  a:\n    steps: [{uses: a/b@v1}, {uses: c/d@v2}]\n';
    expect(located(text).map((site) => site.commentSafe)).toEqual([false, false]);
  });

  it('marks a line whose end falls inside a multi-line scalar as unsafe for comments', () => {
    const text = 'jobs:\n  a:\n    steps:\n      - {uses: a/b@v1, with: {x: "one\n          two"}}\n';
    expect(located(text).map((site) => site.commentSafe)).toEqual([false]);
  });

  it('edits an anchored step once, however many aliases reach it', () => {
    const text =
      'jobs:\n  a:\n    steps:\n      - &co {uses: actions/checkout@v4}\n  b:\n    steps:\n      - *co\n      - <<: *co\n        name: merged\n';
    const sites = located(text);
    expect(sites).toHaveLength(1);
    expect(sites[0]?.line).toBe(4);
  });

  it('finds uses inside parallel step groups', () => {
    const text =
      'jobs:\n  a:\n    steps:\n      - parallel:\n          - uses: a/b@v1\n          - parallel:\n              - uses: c/d@v2\n';
    expect(located(text).map((site) => site.value)).toEqual(['a/b@v1', 'c/d@v2']);
  });

  it('finds composite action steps under runs.steps only', () => {
    const text =
      'name: x\ndescription: y\nruns:\n  using: composite\n  steps:\n    - uses: actions/cache@v4\n    - run: echo\n      shell: bash\njobs:\n  not-here:\n    steps:\n      - uses: nope/nope@v1\n';
    expect(located(text, 'action').map((site) => [site.value, site.context])).toEqual([
      ['actions/cache@v4', 'composite-step'],
    ]);
  });

  it('reports broken YAML with the parser message', () => {
    const result = locateUsesSites('jobs:\n  a: [unclosed\n', 'workflow');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/flow|Missing|unexpected|end/i);
  });

  it('reports duplicate keys, as GitHub rejects them', () => {
    const result = locateUsesSites('jobs:\n  a:\n    steps:\n      - uses: a/b@v1\n        uses: c/d@v2\n', 'workflow');
    expect(result.ok).toBe(false);
  });

  it('returns nothing for an empty file, a document of comments, or a workflow without jobs', () => {
    expect(located('')).toEqual([]);
    expect(located('# only a comment\n')).toEqual([]);
    expect(located('on: push\n')).toEqual([]);
  });

  it('rejects a document that is not a mapping', () => {
    expect(locateUsesSites('- a\n- b\n', 'workflow')).toEqual({ ok: false, error: 'the document is not a mapping' });
  });

  it('reads a one-line block scalar as the line GitHub runs; several lines are invalid', () => {
    const text =
      'jobs:\n  a:\n    steps:\n      - uses: |\n          a/b@v1\n      - uses: >- # keep\n          c/d@v2\n      - uses: |\n          e/f@v1\n          more\n';
    const result = locateUsesSites(text, 'workflow');
    if (!result.ok) throw new Error(result.error);
    expect(
      result.references.map(({ site, ref }) => [
        site.value,
        ref.kind,
        site.line,
        text.slice(site.valueStart, site.valueEnd),
        site.comment?.text,
      ]),
    ).toEqual([
      ['a/b@v1', 'action', 5, 'a/b@v1', undefined],
      ['c/d@v2', 'action', 7, 'c/d@v2', '# keep'],
      ['e/f@v1\nmore\n', 'invalid', 8, '|\n          e/f@v1\n          more\n', undefined],
    ]);
  });

  it('an alias back to an enclosing step list is walked once, not for ever', () => {
    const result = locateUsesSites(
      'on: push\njobs:\n  a:\n    runs-on: x\n    steps: &s [ {uses: actions/checkout@v4, parallel: *s} ]\n',
      'workflow',
    );
    expect(result.ok && result.references.map(({ site }) => site.value)).toEqual(['actions/checkout@v4']);
  });

  it('says "nested too deeply" with the limit, whether the parser or pinwarden notices first', () => {
    const shallowEnough = `jobs: ${'['.repeat(99)}${']'.repeat(99)}\n`;
    expect(locateUsesSites(shallowEnough, 'workflow').ok).toBe(true);
    for (const depth of [101, 5_000]) {
      const result = locateUsesSites(`jobs: ${'['.repeat(depth)}${']'.repeat(depth)}\n`, 'workflow');
      expect(result).toEqual({ ok: false, error: 'nested too deeply (limit 100 levels)' });
    }
  });

  it('a YAML error is one line with no dangling colon', () => {
    const result = locateUsesSites('jobs:\n  a:\n    steps:\n  - uses: x\n bad: [\n', 'workflow');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/at line \d+, column \d+$/);
  });

  it('treats non-string plain values by their text and non-scalar values as invalid', () => {
    const result = locateUsesSites(
      'jobs:\n  a:\n    steps:\n      - uses: 123\n      - uses: {a: 1}\n      - uses:\n',
      'workflow',
    );
    expect(result.ok).toBe(true);
    if (result.ok)
      expect(result.references.map((reference) => [reference.site.value, reference.ref.kind])).toEqual([
        ['123', 'invalid'],
        ['', 'invalid'],
        ['', 'invalid'],
      ]);
  });

  it.each([
    [
      'a comment sign right after a bracket',
      'on: push\njobs:\n  a:\n    runs-on: x\n    strategy:\n      matrix:\n        os: [one]#, two ]\n    steps:\n      - uses: actions/checkout@v4\n',
    ],
    [
      'an under-indented multi-line double-quoted string',
      'on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: "echo one\n  two"\n      - uses: actions/checkout@v4\n',
    ],
  ])('%s: reported as YAML GitHub accepts but pinwarden cannot read', (_name, text) => {
    const result = locateUsesSites(text, 'workflow');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^YAML GitHub accepts but pinwarden cannot read: /);
  });

  it('broken YAML is still called broken', () => {
    for (const text of ['jobs: [\n', 'on: push\njobs:\n  a: "unclosed\n', 'a: 1\n a: 2\n']) {
      const result = locateUsesSites(text, 'workflow');
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).not.toMatch(/GitHub accepts/);
    }
  });
});
