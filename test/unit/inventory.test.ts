// The inventory from a real audit (the trivy-action compromise, fixtures/audit): every action and
// image with where it is, pinned or not, its commit or digest, what it calls inside it and the
// findings there; as package URLs, CSV a spreadsheet cannot run, CycloneDX 1.6 the CycloneDX
// library validates, and a dependency snapshot.
import { join } from 'node:path';
import * as CDX from '@cyclonedx/cyclonedx-library';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditFiles } from '../../src/audit/audit-files.js';
import { auditImages } from '../../src/audit/audit-images.js';
import { loadRefsDir } from '../../src/cli/load-refs.js';
import { locateImageFile } from '../../src/images/locate-image-file.js';
import { renderInventoryCycloneDx } from '../../src/inventory/cyclonedx-bom.js';
import { dependencySnapshot } from '../../src/inventory/dependency-snapshot.js';
import { inventoryOf } from '../../src/inventory/inventory.js';
import type { InventoryEntry } from '../../src/inventory/inventory.js';
import { purlOf } from '../../src/inventory/purl.js';
import { csvCell, renderInventoryCsv } from '../../src/inventory/render-inventory.js';
import { createTableAuditFacts } from '../../src/audit/table-audit-facts.js';
import { locateUsesSites } from '../../src/workflow/locate-uses-sites.js';
import { fixturesDir } from '../support/paths.js';

const TRIVY = 'aquasecurity/trivy-action@915b19bbe73b92a6cf82a1bc12b087c9a19a5fe2';
const WORKFLOW = `on: push
jobs:
  a:
    runs-on: x
    steps:
      - uses: ${TRIVY} # v0.28.0
      - uses: actions/checkout@v4
      - uses: docker://alpine:3.20
      - uses: aquasecurity/trivy-action@v0.33.1
  b:
    uses: acme/workflows/.github/workflows/build.yml@main
`;
const NGINX = `nginx:1.25@sha256:${'a'.repeat(64)}`;
const COMPOSE = `services:\n  web:\n    image: ${NGINX}\n  app:\n    image: ghcr.io/acme/app:1.0\n`;

let entries: InventoryEntry[];
beforeAll(async () => {
  // The facts read trivy-action's own action.yml at the pinned commit (the refs data's `files`).
  const today = createTableAuditFacts(loadRefsDir(join(fixturesDir, 'audit', 'refs-today')));
  const located = locateUsesSites(WORKFLOW, 'workflow');
  const report = await auditFiles([{ path: 'ci.yml', text: WORKFLOW, located }], today);
  const images = [
    { path: 'ci.yml', located: locateImageFile({ path: 'ci.yml', kind: 'workflow', text: WORKFLOW }) },
    { path: 'compose.yaml', located: locateImageFile({ path: 'compose.yaml', kind: 'compose', text: COMPOSE }) },
  ];
  const findings = [
    ...report.findings,
    ...images.flatMap(({ path, located }) => (located.ok ? auditImages(path, located.images, new Map()) : [])),
  ];
  entries = inventoryOf({
    repository: 'octo/app',
    workflows: [{ path: 'ci.yml', located }],
    images,
    indirect: report.indirect,
    commitsToday: report.commitsToday,
    findings,
  });
});

const row = (entry: InventoryEntry) => [
  entry.kind,
  entry.name,
  entry.line,
  entry.pinned,
  entry.version,
  entry.commit?.slice(0, 8),
  entry.digest?.slice(0, 10),
  entry.relationship,
];

describe('the inventory', () => {
  it('lists every action, called workflow and image, with where, pin, version, commit or digest', () => {
    expect(entries.filter((entry) => entry.relationship === 'direct').map(row)).toEqual([
      ['action', 'aquasecurity/trivy-action', 6, true, 'v0.28.0', '915b19bb', undefined, 'direct'],
      ['action', 'actions/checkout', 7, false, 'v4', undefined, undefined, 'direct'],
      // A tag: the commit it names today (the refs data knows no actions/checkout, so none there).
      ['action', 'aquasecurity/trivy-action', 9, false, 'v0.33.1', 'b6643a29', undefined, 'direct'],
      [
        'reusable-workflow',
        'acme/workflows/.github/workflows/build.yml',
        11,
        false,
        'main',
        undefined,
        undefined,
        'direct',
      ],
      ['image', 'docker.io/library/alpine', 8, false, '3.20', undefined, undefined, 'direct'],
      ['image', 'docker.io/library/nginx', 3, true, '1.25', undefined, 'sha256:aaa', 'direct'],
      ['image', 'ghcr.io/acme/app', 5, false, '1.0', undefined, undefined, 'direct'],
    ]);
    expect(entries.every((entry) => entry.repository === 'octo/app')).toBe(true);
  });

  it('lists what an action calls inside it, how it is reached, and the finding there', () => {
    // setup-trivy's v0.2.1 names nothing today (the tag was deleted): no commit is claimed for it.
    const setup = entries.find((entry) => entry.name === 'aquasecurity/setup-trivy')!;
    expect(row(setup)).toEqual([
      'action',
      'aquasecurity/setup-trivy',
      6,
      false,
      'v0.2.1',
      undefined,
      undefined,
      'indirect',
    ]);
    expect(setup.via).toEqual([TRIVY]);
    expect(setup.findings.map((finding) => [finding.check, finding.severity])).toEqual(
      expect.arrayContaining([['transitive', 'high']]),
    );
  });

  it('ties each finding to its entry, once: a docker:// step is unpinned once, not twice', () => {
    const byName = (name: string) =>
      entries.find((entry) => entry.name === name)!.findings.map((finding) => finding.check);
    expect(byName('docker.io/library/alpine')).toEqual(['unpinned']);
    expect(byName('actions/checkout')).toEqual(['unpinned']);
    expect(byName('docker.io/library/nginx')).toEqual([]);
  });

  it('names each by package URL: actions without the v the advisory ranges leave out, images by digest', () => {
    // The first use of each name (trivy-action's pin; its tag further down is below).
    const purls = Object.fromEntries([...entries].reverse().map((entry) => [entry.name, purlOf(entry)]));
    // A tag's package URL has no commit: today's would change it whenever the tag moves.
    expect(purlOf(entries.find((entry) => entry.written.endsWith('@v0.33.1'))!)).toBe(
      'pkg:githubactions/aquasecurity/trivy-action@0.33.1',
    );
    expect(purls['aquasecurity/trivy-action']).toBe(
      'pkg:githubactions/aquasecurity/trivy-action@0.28.0?vcs_url=git%2Bhttps%3A%2F%2Fgithub.com%2Faquasecurity%2Ftrivy-action%40915b19bbe73b92a6cf82a1bc12b087c9a19a5fe2',
    );
    expect(purls['acme/workflows/.github/workflows/build.yml']).toBe(
      'pkg:githubactions/acme/workflows@main#.github/workflows/build.yml',
    );
    expect(purls['docker.io/library/nginx']).toBe(`pkg:docker/library/nginx@sha256:${'a'.repeat(64)}?tag=1.25`);
    expect(purls['ghcr.io/acme/app']).toBe('pkg:docker/acme/app@1.0?repository_url=ghcr.io');
  });
});

describe('its formats', () => {
  it('CSV: quoted where needed, and a cell a spreadsheet would run as a formula is text', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('-1+1')).toBe("'-1+1");
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('plain')).toBe('plain');
    const lines = renderInventoryCsv(entries).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'repository,kind,name,path,line,written,pinned,version,commit,digest,relationship,via,findings,purl',
    );
    expect(lines).toHaveLength(entries.length + 1);
    expect(lines.find((line) => line.includes('actions/checkout'))).toMatch(
      /^octo\/app,action,actions\/checkout,ci\.yml,7,actions\/checkout@v4,no,v4,,,direct,,medium unpinned,pkg:githubactions\/actions\/checkout@4$/,
    );
  });

  it('CycloneDX 1.6, valid by the CycloneDX library, one component a package URL, each use an occurrence', async () => {
    const twice = [...entries, { ...entries[0]!, path: 'release.yml', line: 3 }];
    const json = renderInventoryCycloneDx(twice, '1.0.0');
    expect(await new CDX.Validation.JsonStrictValidator(CDX.Spec.Version.v1dot6).validate(json)).toBeNull();
    const bom = JSON.parse(json);
    expect(bom.specVersion).toBe('1.6');
    const trivy = bom.components.find((component: { name: string }) => component.name === 'trivy-action');
    expect(trivy.type).toBe('application');
    expect(trivy.properties.filter((property: { name: string }) => property.name === 'pinwarden:occurrence')).toEqual([
      { name: 'pinwarden:occurrence', value: 'octo/app:ci.yml:6' },
      { name: 'pinwarden:occurrence', value: 'octo/app:release.yml:3' },
    ]);
    const dependencies = bom.dependencies.find((entry: { ref: string }) => entry.ref === trivy['bom-ref']);
    expect(dependencies.dependsOn).toEqual([
      expect.stringMatching(/^pkg:githubactions\/aquasecurity\/setup-trivy@0\.2\.1/),
    ]);
    expect(bom.components.find((component: { name: string }) => component.name === 'nginx').type).toBe('container');
  });

  it('a dependency snapshot: one manifest a file, direct and indirect, what an action calls as its dependencies', () => {
    const snapshot = dependencySnapshot(entries, {
      sha: 'f'.repeat(40),
      ref: 'refs/heads/main',
      version: '1.0.0',
      jobId: 'job',
      scanned: '2026-12-06T00:00:00Z',
    });
    expect(Object.keys(snapshot.manifests)).toEqual(['ci.yml', 'compose.yaml']);
    const resolved = Object.values(snapshot.manifests['ci.yml']!.resolved);
    const trivy = resolved.find((dependency) => dependency.package_url.includes('/trivy-action@'))!;
    const setup = resolved.find((dependency) => dependency.package_url.includes('/setup-trivy@'))!;
    expect(trivy.relationship).toBe('direct');
    expect(setup.relationship).toBe('indirect');
    expect(trivy.dependencies).toEqual([setup.package_url]);
    expect(resolved.map((dependency) => dependency.package_url)).toContain('pkg:docker/library/alpine@3.20');
  });
});
