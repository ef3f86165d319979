import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
// The App's image parts on plain data: which tree paths are read (and the bounds), the Dependabot
// entries images bring, the Kyverno plan, the address guard and the mirror allow-list.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { chooseImagePaths, MAX_IMAGE_FILES } from '../../../src/github/read-image-files.js';
import { createImageResolvers } from '../../../src/app/image-resolvers.js';
import { pushTouchesWatchedFiles } from '../../../src/handlers/push.js';
import { imageDependabotNeeds } from '../../../src/dependabot/image-ecosystems.js';
import { ACTIONS_ENTRY, dependabotEntry, planDependabot } from '../../../src/dependabot/plan-dependabot.js';
import { kyvernoPolicies, planKyverno } from '../../../src/images/kyverno-policies.js';
import { guardedFetch, isPublicAddress } from '../../../src/images/registry/guarded-fetch.js';

const blob = (path: string, size = 100) => ({ path, type: 'blob', size });

describe('chooseImagePaths', () => {
  it('reads image files by name, other YAML as maybe-Kubernetes, a chart’s templates with its values, and skips vendored folders', () => {
    const chosen = chooseImagePaths(
      [
        blob('Dockerfile'),
        blob('svc/api.Dockerfile'),
        blob('compose.yaml'),
        blob('deploy/app.yaml'),
        blob('chart/Chart.yaml'),
        blob('chart/values.yaml'),
        blob('chart/templates/deployment.yaml'),
        blob('chart/templates/_helpers.tpl'),
        blob('node_modules/x/Dockerfile'),
        blob('vendor/k8s.yaml'),
        blob('.github/workflows/ci.yml'),
        blob('README.md'),
        { path: 'deploy', type: 'tree' },
      ],
      () => false,
    );
    expect(chosen.files.map((file) => `${file.path}:${file.kind}`)).toEqual([
      'Dockerfile:dockerfile',
      'svc/api.Dockerfile:dockerfile',
      'compose.yaml:compose',
      'chart/values.yaml:helm-values',
      'deploy/app.yaml:maybe-kubernetes',
    ]);
    expect(chosen.templates.get('chart')).toEqual(['chart/templates/deployment.yaml', 'chart/templates/_helpers.tpl']);
    expect(chosen.notes).toEqual([]);
  });

  it('leaves ignored paths out, reports an image file over the text limit, and bounds the files read', () => {
    const many = Array.from({ length: MAX_IMAGE_FILES + 5 }, (_, index) => blob(`k8s/m${index}.yaml`));
    const chosen = chooseImagePaths([blob('big/Dockerfile', 600_000), blob('legacy/Dockerfile'), ...many], (path) =>
      path.startsWith('legacy/'),
    );
    expect(chosen.files).toHaveLength(MAX_IMAGE_FILES);
    expect(chosen.files.some((file) => file.path.startsWith('legacy/'))).toBe(false);
    expect(chosen.unreadable).toEqual([
      { path: 'big/Dockerfile', reason: expect.stringContaining('larger than GitHub') },
    ]);
    expect(chosen.notes).toEqual([expect.stringContaining('5 more files that may name images were not read')]);
  });

  it('stops at the byte budget, whatever the file count', () => {
    const chosen = chooseImagePaths(
      Array.from({ length: 60 }, (_, index) => blob(`d${index}/Dockerfile`, 500_000)),
      () => false,
    );
    expect(chosen.files.length).toBe(41);
    expect(chosen.notes[0]).toContain('19 more files');
  });
});

describe('Dependabot entries for images', () => {
  it('maps Dockerfiles and manifests to docker, compose to docker-compose, values to helm, by folder', () => {
    const needs = imageDependabotNeeds([
      { path: 'services/api/Dockerfile', kind: 'dockerfile' },
      { path: 'deploy/app.yaml', kind: 'kubernetes' },
      { path: 'Dockerfile', kind: 'dockerfile' },
      { path: 'compose.yaml', kind: 'compose' },
      { path: 'chart/values.yaml', kind: 'helm-values' },
      { path: '.github/workflows/ci.yml', kind: 'workflow' },
      { path: 'deploy/kustomization.yaml', kind: 'kustomization' },
    ]);
    expect(needs).toEqual([
      { ecosystem: 'docker', directories: ['/', '/deploy', '/services/api'] },
      { ecosystem: 'docker-compose', directories: ['/'] },
      { ecosystem: 'helm', directories: ['/chart'] },
    ]);
  });

  it('adds only the ecosystems a file lacks, byte-keeping, and says which were there', () => {
    const settings = { schedule: { interval: 'weekly' }, cooldownDays: 7 };
    const text =
      'version: 2\nupdates:\n  - package-ecosystem: github-actions\n    directory: /\n    schedule: { interval: daily }\n';
    const docker = { ecosystem: 'docker' as const, directories: ['/deploy', '/odd dir: x'] };
    const plan = planDependabot({ path: '.github/dependabot.yml', text }, settings, [ACTIONS_ENTRY, docker]);
    if (plan.action !== 'add-entry') throw new Error(plan.action);
    expect(plan.text.startsWith(text)).toBe(true);
    expect(plan.present).toEqual(['github-actions']);
    expect(plan.added).toEqual([docker]);
    expect(parse(plan.text).updates[1]).toEqual(dependabotEntry(settings, docker));
    expect(parse(plan.text).updates[1].directories).toEqual(['/deploy', '/odd dir: x']);
    const created = planDependabot(undefined, settings, [
      ACTIONS_ENTRY,
      { ecosystem: 'helm', directories: ['/chart'] },
    ]);
    if (created.action !== 'create') throw new Error(created.action);
    expect(
      parse(created.text).updates.map((entry: { 'package-ecosystem': string; directory: string; groups: object }) => [
        entry['package-ecosystem'],
        entry.directory,
        Object.keys(entry.groups),
      ]),
    ).toEqual([
      ['github-actions', '/', ['github-actions']],
      ['helm', '/chart', ['helm-charts']],
    ]);
    expect(planDependabot({ path: '.github/dependabot.yml', text }, settings, [ACTIONS_ENTRY])).toEqual({
      action: 'present',
      path: '.github/dependabot.yml',
      present: ['github-actions'],
    });
  });
});

describe('planKyverno', () => {
  it('proposes for manifests, charts and kustomizations only; adds when asked; never overwrites another file', () => {
    const settings = { add: false, path: 'kyverno/p.yaml' };
    const reading = { written: ['nginx:1.27', 'ghcr.io/acme/app:1.0'], mirrors: new Map(), signers: [] };
    const text = kyvernoPolicies(reading);
    expect(planKyverno(['dockerfile', 'workflow', 'compose'], reading, settings, undefined)).toBeUndefined();
    for (const kind of ['kubernetes', 'helm-values', 'kustomization'] as const)
      expect(planKyverno([kind], reading, settings, undefined)).toEqual({
        action: 'propose',
        path: 'kyverno/p.yaml',
        text,
      });
    expect(planKyverno(['kubernetes'], reading, { ...settings, add: true }, undefined)).toEqual({
      action: 'add',
      path: 'kyverno/p.yaml',
      text,
    });
    // Same documents with other comments and spacing: present; anything else there: occupied.
    expect(planKyverno(['kubernetes'], reading, { ...settings, add: true }, text.replace(/^#.*\n/gm, ''))?.action).toBe(
      'present',
    );
    expect(planKyverno(['kubernetes'], reading, { ...settings, add: true }, 'kind: ConfigMap\n')?.action).toBe(
      'occupied',
    );
    expect(planKyverno(['kubernetes'], reading, { ...settings, add: true }, '{ not yaml')?.action).toBe('occupied');
    // A folder at the path (or a binary file): occupied, never written over.
    expect(planKyverno(['kubernetes'], reading, { ...settings, add: true }, null)?.action).toBe('occupied');
    // pinwarden's own file from another reading: left as it is, the new text shown.
    const earlier = kyvernoPolicies({ ...reading, written: ['nginx:1.27'] });
    expect(planKyverno(['kubernetes'], reading, { ...settings, add: true }, earlier)).toEqual({
      action: 'outdated',
      path: 'kyverno/p.yaml',
      text,
    });
  });
});

describe('the address guard', () => {
  it('knows which addresses are public', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.100.100.200',
      '0.0.0.0',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:10.0.0.1',
      '::ffff:127.0.0.1',
      'not-an-ip',
      '::7f00:1',
      '::ffff:0:7f00:1',
      '::ffff:7f00:1',
      '0:0:0:0:0:ffff:7f00:1',
      '64:ff9b:1::a00:1',
      'fec0::1',
      '100::1',
      '::',
    ])
      expect(isPublicAddress(address), address).toBe(false);
    for (const address of [
      '8.8.8.8',
      '140.82.112.3',
      '2606:4700::1111',
      '::ffff:8.8.8.8',
      '::ffff:808:808',
      '100:0:0:1::1',
      '2001:4860:4860::8888',
    ])
      expect(isPublicAddress(address), address).toBe(true);
  });

  it('refuses private hosts and names that resolve to them, follows redirects itself and checks each hop', async () => {
    const asked: { url: string; authorization: string | null }[] = [];
    const inner: typeof fetch = async (input, init) => {
      const url = input.toString();
      asked.push({ url, authorization: new Headers(init?.headers).get('authorization') });
      if (url.startsWith('https://registry.example/redirect-private'))
        return new Response(null, { status: 307, headers: { location: 'http://169.254.169.254/latest/meta-data' } });
      if (url.startsWith('https://registry.example/redirect-public'))
        return new Response(null, { status: 302, headers: { location: 'https://blobs.example/x' } });
      return new Response('ok', { status: 200 });
    };
    const addresses: Record<string, string[]> = {
      'registry.example': ['140.82.112.3'],
      'blobs.example': ['140.82.112.4'],
      'internal.example': ['140.82.112.5', '10.0.0.7'],
    };
    const guarded = guardedFetch({
      allowedHosts: new Set(['127.0.0.1:5000']),
      lookup: async (host) => addresses[host] ?? [],
      fetch: inner,
    });
    await expect(guarded('http://10.0.0.5:5000/v2/')).rejects.toThrow('not a public address');
    await expect(guarded('https://internal.example/v2/')).rejects.toThrow('not a public address');
    await expect(guarded('https://nowhere.example/v2/')).rejects.toThrow('does not resolve');
    await expect(guarded('https://registry.example/redirect-private', { redirect: 'follow' })).rejects.toThrow(
      '169.254.169.254 is not a public address',
    );
    expect(asked.some((entry) => entry.url.includes('169.254'))).toBe(false);
    const response = await guarded('https://registry.example/redirect-public', {
      headers: { authorization: 'Bearer secret' },
      redirect: 'follow',
    });
    expect(response.status).toBe(200);
    // The token stays with the registry's origin, as fetch itself does.
    expect(asked.slice(-2).map((entry) => entry.authorization)).toEqual(['Bearer secret', null]);
    // The operator's mirror is asked whatever its address.
    expect((await guarded('http://127.0.0.1:5000/v2/')).status).toBe(200);
  });
});

describe('DNS rebinding', () => {
  it('connects to the address it checked, never to what the name resolves to a moment later', async () => {
    // A server on 127.0.0.2 only; the name is unknown to the system's resolver.
    const server = createServer((_request, response) => response.end('from the checked address'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      let asked = 0;
      // The first answer is the one checked; a rebinding resolver would answer a private address next.
      const lookup = async () => (asked++ === 0 ? ['127.0.0.2'] : ['10.0.0.9']);
      const guarded = guardedFetch({
        allowedHosts: new Set(),
        lookup,
        isAllowedAddress: (address) => address === '127.0.0.2',
      });
      const response = await guarded(`http://rebind.invalid:${port}/v2/`);
      expect(await response.text()).toBe('from the checked address');
      expect(asked).toBe(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('repository mirrors', () => {
  it('are used only on hosts the operator allows; a bad spec is a config problem', () => {
    const resolverFor = createImageResolvers({
      mirrors: ['*=https://harbor.corp.example/proxy'],
      allowedMirrorHosts: ['mirror.corp.example'],
    });
    expect(resolverFor([]).ok).toBe(true);
    expect(resolverFor(['docker.io=https://mirror.corp.example/hub']).ok).toBe(true);
    expect(resolverFor(['docker.io=https://harbor.corp.example/other']).ok).toBe(true);
    expect(resolverFor(['*=http://169.254.169.254/latest'])).toEqual({
      ok: false,
      problem: expect.stringContaining('169.254.169.254 is not a mirror host'),
    });
    expect(resolverFor(['*=https://{registry}.mirror.corp.example'])).toMatchObject({ ok: false });
    expect(resolverFor(['no-equals-sign'])).toEqual({
      ok: false,
      problem: expect.stringContaining('images.mirrors: a registry mirror is REGISTRY=URL'),
    });
    // The same set of mirrors gets the same resolver, and so its cache.
    const a = resolverFor(['docker.io=https://mirror.corp.example/hub']);
    const b = resolverFor(['docker.io=https://mirror.corp.example/hub']);
    expect(a.ok && b.ok && a.resolver === b.resolver).toBe(true);
  });
});

describe('pushTouchesWatchedFiles', () => {
  it('counts image files only when images are pinned', () => {
    const commits = [{ modified: ['services/api/Dockerfile'] }];
    expect(pushTouchesWatchedFiles(commits)).toBe(false);
    expect(pushTouchesWatchedFiles(commits, { images: true })).toBe(true);
    expect(pushTouchesWatchedFiles([{ modified: ['docs/index.md'] }], { images: true })).toBe(false);
  });
});
