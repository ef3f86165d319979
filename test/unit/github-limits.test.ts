import { describe, expect, it } from 'vitest';
import { decideIssue } from '../../src/attention/attention-issue.js';
import { BODY_LIMIT, withinBodyLimit } from '../../src/markdown/github-limits.js';
import { renderPullRequest } from '../../src/pull-request/render-pull-request.js';
import { planRepository } from '../../src/plan/plan-repository.js';
import { DEFAULT_CONFIG } from '../../src/config/pinwarden-config.js';
import { createTableRefResolver } from '../../src/resolve/table-ref-resolver.js';

describe("bodies within GitHub's limit", () => {
  it('keeps a body that fits, and cuts one that does not at a line, saying so', () => {
    expect(withinBodyLimit('short\n')).toBe('short\n');
    const long = Array.from({ length: 5_000 }, (_, index) => `- line ${index} ${'x'.repeat(20)}`).join('\n');
    const cut = withinBodyLimit(long);
    expect(cut.length).toBeLessThanOrEqual(BODY_LIMIT);
    expect(cut).toMatch(
      /\n- line \d+ x{20}\n\n… cut here: GitHub takes at most 65,536 characters in a body, so the last [\d,]+ were left out\.$/,
    );
    expect(long.startsWith(cut.slice(0, cut.indexOf('\n\n… cut here')))).toBe(true);
    // One line longer than the limit is cut inside it.
    expect(withinBodyLimit('y'.repeat(200_000)).length).toBeLessThanOrEqual(BODY_LIMIT);
  });

  it('an issue listing many long names, and a pull request of many long paths, stay within it', async () => {
    const files = Array.from({ length: 60 }, (_, index) => ({
      path: `.github/workflows/${String(index).padStart(2, '0')}-${'n'.repeat(3_000)}.yml`,
      detail: `does not parse: ${'e'.repeat(3_000)}`,
    }));
    const issue = decideIssue(
      'attention',
      undefined,
      files.map(({ path, detail }) => `- \`${path}\`: ${detail}`),
    );
    expect(issue.kind).toBe('create');
    if (issue.kind === 'create') expect(issue.body.length).toBeLessThanOrEqual(BODY_LIMIT);
    const workflow = 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: acme/x@v1\n';
    const plan = await planRepository(
      {
        files: files.map(({ path }) => ({ path, text: workflow })),
        unreadable: files.map(({ path, detail }) => ({ path: `${path}.bin`, reason: detail })),
        dependabot: undefined,
      },
      { ...DEFAULT_CONFIG, ignore: { paths: files.map(({ path }) => `${path}.ignored`), actions: [] } },
      createTableRefResolver([]),
    );
    const body = renderPullRequest({ plan, title: 'Pin', webUrl: 'https://github.com' }).body;
    expect(body.length).toBeLessThanOrEqual(BODY_LIMIT);
  });
});
