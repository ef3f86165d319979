// The App pins container images in the same pull request as actions: the real server on loopback
// with signed webhooks, the fake GitHub holding the images fixture repository, and the loopback fake
// registry behind the operator's mirror. What the pull request writes is read back from the fake's git.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import {
  addComment,
  createFakeState,
  findRepository,
  openIssue,
  pullRequests,
  seedRepository,
} from '../../src/dev/fake-github/fake-state.js';
import type { FakeRepository, FakeState } from '../../src/dev/fake-github/fake-state.js';
import { readCommitFiles } from '../../src/dev/fake-github/git-store.js';
import { startFakeGitHub } from '../../src/dev/fake-github/fake-github-server.js';
import type { FakeGitHub } from '../../src/dev/fake-github/fake-github-server.js';
import { startFakeRegistry } from '../../src/dev/fake-registry/fake-registry-server.js';
import type { FakeRegistry } from '../../src/dev/fake-registry/fake-registry-server.js';
import { parseImagesFile } from '../../src/images/registry/images-file.js';
import { loadRefsDir } from '../../src/cli/load-refs.js';
import { startLocalApp } from '../../src/dev/local-run/start-local-app.js';
import type { LocalApp } from '../../src/dev/local-run/start-local-app.js';
import { installationCreated, issueCommentCreated } from '../../src/dev/local-run/webhook-payloads.js';
import { createPreReads } from '../../src/queue/pre-reads.js';
import type { PreReads } from '../../src/queue/pre-reads.js';
import { PIN_BRANCH } from '../../src/pull-request/render-pull-request.js';
import type { RepositoryRead } from '../../src/github/read-repository.js';
import { HEADER } from '../../src/images/kyverno-policies.js';
import type { RepoRefs } from '../../src/resolve/repo-refs.js';
import { fixturesDir } from '../support/paths.js';
import { renderedText } from '../support/rendered.js';

const REPO_DIR = join(fixturesDir, 'images', 'repo');
const IMAGES = parseImagesFile(readFileSync(join(fixturesDir, 'images', 'registry.json'), 'utf8'));
const digest = (name: string) => IMAGES.find((image) => `${image.name}:${image.tag}` === name)!.digest;

function filesOf(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile())
      files[relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/')] = readFileSync(
        join(entry.parentPath, entry.name),
        'utf8',
      );
  }
  return files;
}
const FIXTURE = filesOf(REPO_DIR);

let refs: RepoRefs[];
let registry: FakeRegistry;
let fake: FakeGitHub;
let local: LocalApp;
let state: FakeState;

beforeAll(async () => {
  refs = loadRefsDir(join(fixturesDir, 'demo', 'refs'));
  registry = await startFakeRegistry({ images: IMAGES });
});
afterAll(() => registry.close());
afterEach(async () => {
  await local?.stop();
  await fake?.close();
});

async function start(
  seed: (state: FakeState) => void,
  images: { mirrors?: string[] } = { mirrors: [`*=${registry.url}/{registry}`] },
  preReads?: PreReads,
) {
  state = createFakeState(refs);
  seed(state);
  fake = await startFakeGitHub({ state });
  local = await startLocalApp(fake, { images, ...(preReads ? { preReads } : {}) });
}

const repo = (name: string): FakeRepository => findRepository(state, 'octo-org', name)!;
const branchFiles = (repository: FakeRepository) =>
  readCommitFiles(repository.git, repository.branches.get(PIN_BRANCH)!);

async function install(...names: string[]) {
  await local.deliver('installation', installationCreated(names.map(repo)));
  await local.pinwarden.idle();
}

describe('the App pins container images', () => {
  it('writes digests into every image file, adds Dependabot entries per folder, and proposes Kyverno policies', async () => {
    await start((s) => void seedRepository(s, { fullName: 'octo-org/platform', files: FIXTURE }));
    await install('platform');
    const platform = repo('platform');
    const [pull] = pullRequests(platform);
    expect(pullRequests(platform)).toHaveLength(1);
    const files = branchFiles(platform);

    expect(files.get('deploy/app.yaml')).toContain(`image: "nginx:1.27@${digest('docker.io/library/nginx:1.27')}"`);
    expect(files.get('services/api/Dockerfile')).toContain(
      `FROM --platform=$BUILDPLATFORM golang:1.23@${digest('docker.io/library/golang:1.23')} AS build`,
    );
    expect(files.get('.github/workflows/ci.yml')).toContain(
      `container: node:20@${digest('docker.io/library/node:20')}\n`,
    );
    expect(files.get('deploy/kustomization.yaml')).toMatch(/digest: sha256:[0-9a-f]{64}/);
    // The known-bad image is refused, and the file around it otherwise pinned.
    expect(files.get('compose.yaml')).toContain('image: aquasec/trivy:0.69.4\n');
    // Every byte outside the digests is kept: removing them gives the original back.
    for (const [path, text] of files) {
      const strip = (yaml: string) =>
        yaml
          .replace(/\n *digest: sha256:[0-9a-f]{64}|, digest: sha256:[0-9a-f]{64}/g, '')
          .replace(/@?sha256:[0-9a-f]{64}/g, '');
      if (path in FIXTURE) expect(strip(text), path).toBe(strip(FIXTURE[path]!));
    }

    const dependabot = parse(files.get('.github/dependabot.yml')!) as {
      updates: { 'package-ecosystem': string; directory?: string; directories?: string[] }[];
    };
    expect(
      dependabot.updates.map((entry) => [entry['package-ecosystem'], entry.directory ?? entry.directories]),
    ).toEqual([
      ['docker', ['/deploy', '/services/api']],
      ['docker-compose', '/'],
      ['helm', '/chart'],
    ]);
    // Proposed only: no policy file without images.kyverno.
    expect(files.has('kyverno/pinwarden-image-policies.yaml')).toBe(false);

    const body = renderedText(pull!.body);
    expect(body).toMatch(/Container images: \d+ images pinned by digest in \d+ files/);
    expect(body).toContain('ghcr.io/acme/linter:latest');
    expect(body).toContain('latest, whatever was pushed last');
    expect(body).toMatch(/aquasec\/trivy:0\.69\.4: .*known-compromised/);
    expect(body).toContain('Kyverno policies for the cluster');
    // The policies from the reading: the registries the manifests pull from, tags resolved at admission.
    expect(pull!.body).toContain('name: pinwarden-restrict-image-registries');
    // The App asks every registry through the (loopback) mirror, so that is the one host the cluster may pull from.
    expect(pull!.body).toContain(`- image: ${new URL(registry.url).host}/*\n`);
    expect(pull!.body).toContain('name: pinwarden-resolve-image-digests');
    expect(body).toContain('Dependabot has no ecosystem for images in workflows or kustomizations');
    expect(body).toContain('Security findings');
    // Asked once per unique image across every file of the repository.
    const counts = registry.counts();
    expect(Object.values(counts.manifests).every((n) => n <= 2)).toBe(true);
  });

  it('pins what a build or a cluster pulls beyond image keys, and leaves the image a compose service builds', async () => {
    const files = {
      'build/Dockerfile': [
        'ARG BASE=golang:1.23',
        'FROM ${BASE} AS build',
        'COPY --from=busybox:1.36 /bin/busybox /busybox',
        'RUN --mount=type=bind,from=alpine:3.20,source=/etc,target=/mnt true',
        'FROM gcr.io/distroless/static-debian12:nonroot',
        'COPY --from=build /out /app',
        '',
      ].join('\n'),
      'compose.yaml': [
        'services:',
        '  api:',
        '    build:',
        '      context: ./build',
        '      dockerfile_inline: |',
        '        FROM node:20',
        '        RUN npm ci',
        '    image: ghcr.io/acme/api:dev',
        '  cache:',
        '    image: redis:7.4-alpine',
        '',
      ].join('\n'),
      'k8s/pod.yaml':
        '\uFEFFapiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n  volumes:\n  - name: tools\n    image:\n      reference: ghcr.io/acme/tool:1.0\n',
      'chart/Chart.yaml': 'apiVersion: v2\nname: pause\nversion: 0.1.0\nappVersion: "3.9"\n',
      'chart/values.yaml': 'image:\n  repository: registry.k8s.io/pause\n  tag: ""\n',
      'chart/templates/pod.yaml':
        'image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}{{ with .Values.image.digest }}@{{ . }}{{ end }}"\n',
      '.github/workflows/ci.yml':
        'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    services:\n      db: postgres:16.4\n    steps:\n      - run: make\n',
    };
    await start((s) => void seedRepository(s, { fullName: 'octo-org/builds', files }));
    await install('builds');
    const [pull] = pullRequests(repo('builds'));
    const written = branchFiles(repo('builds'));
    expect(written.get('build/Dockerfile')).toBe(
      [
        `ARG BASE=golang:1.23@${digest('docker.io/library/golang:1.23')}`,
        'FROM ${BASE} AS build',
        `COPY --from=busybox:1.36@${digest('docker.io/library/busybox:1.36')} /bin/busybox /busybox`,
        `RUN --mount=type=bind,from=alpine:3.20@${digest('docker.io/library/alpine:3.20')},source=/etc,target=/mnt true`,
        `FROM gcr.io/distroless/static-debian12:nonroot@${digest('gcr.io/distroless/static-debian12:nonroot')}`,
        'COPY --from=build /out /app',
        '',
      ].join('\n'),
    );
    expect(written.get('compose.yaml')).toContain(`        FROM node:20@${digest('docker.io/library/node:20')}\n`);
    expect(written.get('compose.yaml')).toContain('    image: ghcr.io/acme/api:dev\n');
    expect(written.get('k8s/pod.yaml')).toContain(
      `reference: ghcr.io/acme/tool:1.0@${digest('ghcr.io/acme/tool:1.0')}`,
    );
    expect(written.get('chart/values.yaml')).toBe(
      `image:\n  repository: registry.k8s.io/pause\n  tag: ""\n  digest: ${digest('registry.k8s.io/pause:3.9')}\n`,
    );
    expect(written.get('.github/workflows/ci.yml')).toContain(
      `db: postgres:16.4@${digest('docker.io/library/postgres:16.4')}`,
    );
    const dependabot = parse(written.get('.github/dependabot.yml')!) as {
      updates: { 'package-ecosystem': string; directory?: string; directories?: string[] }[];
    };
    expect(
      dependabot.updates.map((entry) => [entry['package-ecosystem'], entry.directory ?? entry.directories]),
    ).toEqual(
      expect.arrayContaining([
        ['docker', ['/build', '/k8s']],
        ['docker-compose', '/'],
        ['helm', '/chart'],
      ]),
    );
    const body = renderedText(pull!.body);
    expect(body).toContain('Container images: 10 images pinned by digest in 5 files');
    expect(body).toContain('build/Dockerfile | 1 | golang:1.23 |');
    expect(body).toContain('chart/values.yaml | 2 | registry.k8s.io/pause:3.9 |');
    expect(body).toMatch(/compose\.yaml line 8: ghcr\.io\/acme\/api:dev: the service builds this image/);
  });

  it("reads a repository's image files in the install's wave, and its run uses that read instead of listing the tree again", async () => {
    const kept = new Map<string, RepositoryRead>();
    const preReads = createPreReads();
    await start((s) => void seedRepository(s, { fullName: 'octo-org/platform', files: FIXTURE }), undefined, {
      ...preReads,
      keep: async (installationId, repository, read, at) => {
        kept.set(repository, read);
        await preReads.keep(installationId, repository, read, at);
      },
    });
    await install('platform');
    const read = kept.get('octo-org/platform');
    const imageFiles = read?.status === 'read' ? read.images?.read.files.map((file) => file.path).sort() : undefined;
    expect(imageFiles).toEqual([
      'chart/values.yaml',
      'compose.yaml',
      'deploy/app.yaml',
      'deploy/kustomization.yaml',
      'services/api/Dockerfile',
    ]);
    // Listed once, by the wave, with GraphQL (no REST call a repository): the run read nothing of its own.
    expect(fake.requests.filter((entry) => entry.route === 'POST /graphql (pinwardenListTrees)')).toHaveLength(1);
    expect(fake.requests.filter((entry) => entry.route.includes('/git/trees/'))).toHaveLength(0);
    expect(branchFiles(repo('platform')).get('deploy/app.yaml')).toContain(
      `image: "nginx:1.27@${digest('docker.io/library/nginx:1.27')}"`,
    );
  });

  it('runs again without writing anything when nothing changed', async () => {
    await start((s) => void seedRepository(s, { fullName: 'octo-org/platform', files: FIXTURE }));
    await install('platform');
    const writes = () =>
      fake.requests.filter(
        (entry) =>
          (entry.kind === 'rest-write' || entry.kind === 'graphql-write') && !entry.route.startsWith('POST /app/'),
      ).length;
    const before = writes();
    const platform = repo('platform');
    platform.collaborators.set('maintainer', 'maintain');
    const user = { login: 'maintainer', type: 'User' as const };
    const issue = openIssue(platform, { title: 'Pin again', body: '', user });
    const comment = addComment(state, platform, { issueNumber: issue.number, body: '/pinwarden pin', user });
    await local.deliver(
      'issue_comment',
      issueCommentCreated(platform, { id: comment.id, issueNumber: issue.number, body: '/pinwarden pin', user }),
    );
    await local.pinwarden.idle();
    // The command's reaction and reply only: no commit, no branch move, no pull request edit.
    expect(writes() - before).toBe(2);
    const reply = platform.comments
      .filter((entry) => entry.issueNumber === issue.number && entry.user.type === 'Bot')
      .at(-1)!;
    expect(reply.body).toContain('Pull request unchanged');
  });

  it('adds the Kyverno policies as a file when the config asks, at the configured path', async () => {
    await start(
      (s) =>
        void seedRepository(s, {
          fullName: 'octo-org/platform',
          files: {
            ...FIXTURE,
            '.github/pinwarden.yml': 'images:\n  kyverno: true\n  kyverno_path: policy/images.yaml\n',
          },
        }),
    );
    await install('platform');
    const files = branchFiles(repo('platform'));
    const policies = files.get('policy/images.yaml')!;
    expect(policies.startsWith(HEADER)).toBe(true);
    const documents = parseAllDocuments(policies).map(
      (document) =>
        document.toJS() as { kind: string; metadata: { name: string }; spec: { validationFailureAction: string } },
    );
    expect(
      documents.map((document) => [document.kind, document.metadata.name, document.spec.validationFailureAction]),
    ).toEqual([
      ['ClusterPolicy', 'disallow-latest-tag', 'Audit'],
      ['ClusterPolicy', 'require-image-checksum', 'Audit'],
      ['ClusterPolicy', 'pinwarden-restrict-image-registries', 'Audit'],
      ['ClusterPolicy', 'pinwarden-resolve-image-digests', 'Audit'],
    ]);
  });

  it('never writes the Kyverno policies over a folder at their path', async () => {
    await start(
      (s) =>
        void seedRepository(s, {
          fullName: 'octo-org/platform',
          files: {
            ...FIXTURE,
            '.github/pinwarden.yml': 'images:\n  kyverno: true\n  kyverno_path: policy/images.yaml\n',
            'policy/images.yaml/README.md': 'a folder\n',
          },
        }),
    );
    await install('platform');
    const [pull] = pullRequests(repo('platform'));
    expect(branchFiles(repo('platform')).get('policy/images.yaml/README.md')).toBe('a folder\n');
    expect(renderedText(pull!.body)).toContain('policy/images.yaml holds another file');
  });

  it('refuses a repository mirror on a host the operator did not allow, and says so in the attention issue', async () => {
    await start(
      (s) =>
        void seedRepository(s, {
          fullName: 'octo-org/platform',
          files: { ...FIXTURE, '.github/pinwarden.yml': 'images:\n  mirrors: ["*=http://169.254.169.254/latest"]\n' },
        }),
    );
    await install('platform');
    const platform = repo('platform');
    expect(pullRequests(platform)).toHaveLength(0);
    const issue = [...platform.issues.values()].find((entry) => entry.title === 'pinwarden: needs attention');
    expect(renderedText(issue!.body)).toContain('169.254.169.254 is not a mirror host this pinwarden');
  });

  it('leaves images alone with images.enabled: false, and pins them by default beside actions', async () => {
    await start((s) => {
      seedRepository(s, {
        fullName: 'octo-org/off',
        files: { ...FIXTURE, '.github/pinwarden.yml': 'images:\n  enabled: false\n' },
      });
      seedRepository(s, {
        fullName: 'octo-org/both',
        files: {
          '.github/workflows/ci.yml':
            'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    container: node:20\n    steps:\n      - uses: actions/checkout@v4\n',
        },
      });
    });
    await install('off', 'both');
    expect(pullRequests(repo('off'))).toHaveLength(0);
    const ci = branchFiles(repo('both')).get('.github/workflows/ci.yml')!;
    expect(ci).toContain(`container: node:20@${digest('docker.io/library/node:20')}\n`);
    expect(ci).toMatch(/uses: actions\/checkout@[0-9a-f]{40} # v4/);
    const dependabot = parse(branchFiles(repo('both')).get('.github/dependabot.yml')!) as {
      updates: { 'package-ecosystem': string }[];
    };
    expect(dependabot.updates.map((entry) => entry['package-ecosystem'])).toEqual(['github-actions']);
  });

  it('never asks an address inside its own network that a repository names (no operator mirror)', async () => {
    const host = new URL(registry.url).host;
    await start(
      (s) =>
        void seedRepository(s, {
          fullName: 'octo-org/sneaky',
          files: {
            '.github/workflows/ci.yml':
              'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n',
            Dockerfile: `FROM ${host}/docker.io/library/node:20\n`,
            'deploy/pod.yaml':
              'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: 169.254.169.254/latest:1\n',
          },
        }),
      {},
    );
    const before = registry.counts().total;
    await install('sneaky');
    expect(registry.counts().total).toBe(before);
    const [pull] = pullRequests(repo('sneaky'));
    const body = renderedText(pull!.body);
    // Said as what happened: nothing was asked (not "did not answer").
    expect(body).toContain(`not asked: ${host} is not a public address`);
    expect(body).toContain('not asked: 169.254.169.254 is not a public address');
    expect(body).not.toContain('did not answer');
    expect(branchFiles(repo('sneaky')).get('Dockerfile')).toBe(`FROM ${host}/docker.io/library/node:20\n`);
  });
});
