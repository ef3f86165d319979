// The pull request's title and "Why" say what it does: actions, images, pre-commit hooks, or only
// the Dependabot entries; a title the config names is kept; no "0 references pinned".
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRefsDir } from '../../src/cli/load-refs.js';
import { DEFAULT_CONFIG } from '../../src/config/pinwarden-config.js';
import { imageTableResolver } from '../../src/images/registry/table-digest-resolver.js';
import { planRepository } from '../../src/plan/plan-repository.js';
import type { RepositorySnapshot } from '../../src/plan/plan-repository.js';
import { renderPullRequest } from '../../src/pull-request/render-pull-request.js';
import { createTableRefResolver } from '../../src/resolve/table-ref-resolver.js';
import type { RefResolver } from '../../src/resolve/types.js';
import { fixturesDir } from '../support/paths.js';
import { renderedText } from '../support/rendered.js';

let resolver: RefResolver;
let setupSha: string;
beforeAll(async () => {
  const refs = loadRefsDir(join(fixturesDir, 'refs'));
  resolver = createTableRefResolver(refs);
  setupSha = refs.find((repository) => repository.repo === 'acme/setup')!.tags.find((tag) => tag.name === 'v1')!.sha;
});

const workflow = (uses: string) => `on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: ${uses}\n`;
const images = imageTableResolver(join(fixturesDir, 'images', 'registry.json'));

async function told(snapshot: Partial<RepositorySnapshot>, config = DEFAULT_CONFIG) {
  const plan = await planRepository(
    { files: [], unreadable: [], dependabot: undefined, ...snapshot },
    config,
    resolver,
    images,
  );
  const text = renderPullRequest({ plan, title: config.pull_request.title, webUrl: 'https://github.com' });
  return { title: text.title, body: renderedText(text.body) };
}

describe('what the pull request says it does', () => {
  it('actions', async () => {
    const { title, body } = await told({
      files: [{ path: '.github/workflows/ci.yml', text: workflow('acme/setup@v1') }],
    });
    expect(title).toBe('Pin GitHub Actions to commit SHAs');
    expect(body).toContain('pins every action and reusable workflow');
  });

  it('images only', async () => {
    const { title, body } = await told({
      imageFiles: [{ path: 'Dockerfile', kind: 'dockerfile', text: 'FROM node:20\n' }],
    });
    expect(title).toBe('Pin container images by digest');
    expect(body).toContain('This pull request pins container images by digest');
    expect(body).not.toContain('pins every action');
    expect(body).not.toMatch(/Changes: 0 references/);
  });

  it('actions and images together, and a title the config names', async () => {
    const snapshot = {
      files: [{ path: '.github/workflows/ci.yml', text: workflow('acme/setup@v1') }],
      imageFiles: [{ path: 'Dockerfile', kind: 'dockerfile' as const, text: 'FROM node:20\n' }],
    };
    expect((await told(snapshot)).title).toBe('Pin GitHub Actions to commit SHAs and container images by digest');
    const named = { ...DEFAULT_CONFIG, pull_request: { ...DEFAULT_CONFIG.pull_request, title: 'Security: pins' } };
    expect((await told(snapshot, named)).title).toBe('Security: pins');
  });

  it('only the Dependabot entries, for pins already there', async () => {
    const { title, body } = await told({
      files: [{ path: '.github/workflows/ci.yml', text: workflow(`acme/setup@${setupSha} # v1.2.3`) }],
    });
    expect(title).toBe('Keep pinned references current with Dependabot');
    expect(body).toContain(
      'lets Dependabot propose updates, so upgrades stay a reviewed change of the pins already here',
    );
    expect(body).not.toMatch(/Changes: 0 references/);
  });
});
