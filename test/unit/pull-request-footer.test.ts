// The pull request's footer says what to do next, and its documentation links land: the App's
// homepage (app.yml `url`) and anchors of headings the README has.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_CONFIG } from '../../src/config/pinwarden-config.js';
import { planRepository } from '../../src/plan/plan-repository.js';
import { DOCS_URL, renderPullRequest } from '../../src/pull-request/render-pull-request.js';
import { createTableRefResolver } from '../../src/resolve/table-ref-resolver.js';
import { repoRoot } from '../support/paths.js';
import { linkUrls, renderedText } from '../support/rendered.js';

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
const anchor = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');

describe('the footer', () => {
  it('names the ignore marker, the config, how to undo, and links documentation that exists', async () => {
    const plan = await planRepository(
      { files: [], unreadable: [], dependabot: undefined },
      DEFAULT_CONFIG,
      createTableRefResolver([]),
    );
    const body = renderPullRequest({ plan, title: 'Pin', webUrl: 'https://github.com' }).body;
    const text = renderedText(body);
    expect(text).toContain('# pinwarden:ignore');
    expect(text).toContain('.github/pinwarden.yml');
    expect(text).toContain('To undo a pin, revert its line');
    expect(DOCS_URL).toBe((parse(readFileSync(join(repoRoot, 'app.yml'), 'utf8')) as { url: string }).url);
    const headings = new Set(
      [...readFileSync(join(repoRoot, 'README.md'), 'utf8').matchAll(/^#{1,6} (.+)$/gm)].map((match) =>
        anchor(match[1]!),
      ),
    );
    const docs = linkUrls(body).filter((url) => url.startsWith(`${DOCS_URL}#`));
    expect(docs.length).toBeGreaterThan(1);
    for (const url of docs) expect(headings, url).toContain(url.slice(DOCS_URL.length + 1));
  });
});
