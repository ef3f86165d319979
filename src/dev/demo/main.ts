// `npm run demo`: the whole app with no GitHub account. The fake GitHub is seeded with a small
// org (fixtures/demo), the real Probot server starts on loopback, a signed installation webhook
// arrives, and the pull requests the app opened are printed: title, body and diff. Container images
// are resolved by the loopback fake registry (fixtures/images/registry.json, fixtures/demo/registry.json)
// as the operator's mirror for every registry.
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFakeState, openPullRequest, pullRequests, seedRepository } from '../fake-github/fake-state.js';
import type { FakeRepository } from '../fake-github/fake-state.js';
import { readCommitFiles } from '../fake-github/git-store.js';
import { startFakeGitHub } from '../fake-github/fake-github-server.js';
import { loadRefsDir } from '../../cli/load-refs.js';
import { renderUnifiedDiff } from '../../report/render-diff.js';
import { startLocalApp } from '../local-run/start-local-app.js';
import { checkRunRequestedAction, installationCreated, pullRequestEvent } from '../local-run/webhook-payloads.js';
import { PIN_BRANCH } from '../../pull-request/render-pull-request.js';
import { startFakeRegistry } from '../fake-registry/fake-registry-server.js';
import { parseImagesFile } from '../../images/registry/images-file.js';
import { main as cli } from '../../cli/main.js';
import { startSigstoreAuthority } from '../fake-registry/sigstore-authority.js';
import { imageBundleVerifier } from '../../sigstore/verify-image-bundle.js';

const demoDir = fileURLToPath(new URL('../../../fixtures/demo/', import.meta.url));
const REPOSITORIES: Record<string, string> = {
  'web-app': join(demoDir, 'sample-repo'),
  'api-service': join(demoDir, 'repositories', 'api-service'),
  'legacy-tools': join(demoDir, 'repositories', 'legacy-tools'),
  docs: join(demoDir, 'repositories', 'docs'),
  platform: fileURLToPath(new URL('../../../fixtures/images/repo/', import.meta.url)),
  '.github': join(demoDir, 'repositories', 'dot-github'),
};
const REGISTRY_FILES = [
  join(demoDir, 'registry.json'),
  fileURLToPath(new URL('../../../fixtures/images/registry.json', import.meta.url)),
];

async function readTree(dir: string): Promise<Record<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile());
  return Object.fromEntries(
    await Promise.all(
      files.map(
        async (entry) =>
          [
            relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'),
            await readFile(join(entry.parentPath, entry.name), 'utf8'),
          ] as const,
      ),
    ),
  );
}

const state = createFakeState(loadRefsDir(join(demoDir, 'refs')));
const repositories: FakeRepository[] = [];
for (const [name, dir] of Object.entries(REPOSITORIES))
  repositories.push(seedRepository(state, { fullName: `demo-org/${name}`, files: await readTree(dir) }));

const images = (
  await Promise.all(REGISTRY_FILES.map(async (file) => parseImagesFile(await readFile(file, 'utf8'))))
).flat();
// One image is signed (cosign v3's way, by a Sigstore of our own on loopback) by the workflow that
// releases it; the others are not: the platform pull request's image table says which is which.
const sigstore = await startSigstoreAuthority();
const SIGNED = 'ghcr.io/acme/migrate';
const signedDigest = images.find((image) => image.name === SIGNED && image.tag === '2.4.1')!.digest;
const registry = await startFakeRegistry({
  images,
  signatures: [
    {
      name: SIGNED,
      digest: signedDigest,
      bundles: [
        await sigstore.signImage(
          SIGNED,
          signedDigest,
          'https://github.com/acme/migrate/.github/workflows/release.yml@refs/tags/v2.4.1',
        ),
      ],
    },
  ],
});
const verifier = imageBundleVerifier(sigstore.trustedRoot);
const fake = await startFakeGitHub({ state });
const app = await startLocalApp(fake, {
  images: { mirrors: [`*=${registry.url}/{registry}`], signatures: async () => verifier },
  dashboard: {},
});
const out = process.stdout;
out.write(`fake GitHub on ${fake.url}, fake registry on ${registry.url}, pinwarden on ${app.url}\n`);
const delivery = await app.deliver('installation', installationCreated(repositories));
out.write(
  `delivered installation.created (${repositories.length} repositories): HTTP ${delivery.status} in ${delivery.ms.toFixed(0)} ms\n`,
);
await app.pinwarden.idle();

for (const repository of repositories) {
  const full = `${repository.owner}/${repository.name}`;
  const [pull] = pullRequests(repository);
  if (!pull) {
    out.write(`\n=== ${full}: no pull request (nothing to pin)\n`);
    continue;
  }
  out.write(
    `\n=== ${full}: pull request #${pull.number} "${pull.title}" (${pull.pull!.head} -> ${pull.pull!.base})\n\n${pull.body}\n\n`,
  );
  const before = readCommitFiles(repository.git, repository.branches.get(repository.defaultBranch)!);
  const after = readCommitFiles(repository.git, repository.branches.get(PIN_BRANCH)!);
  for (const [path, text] of after) {
    if (before.get(path) !== text) out.write(renderUnifiedDiff(path, before.get(path), text));
  }
}
const { byKind, total } = fake.counts();
out.write(
  `\nGitHub API calls: ${total} (GraphQL queries ${byKind.graphql}, GraphQL mutations ${byKind['graphql-write']}, REST reads ${byKind['rest-read']}, REST writes ${byKind['rest-write']}, the installation token included)\n`,
);
// Where security teams look: one code scanning alert as GitHub's REST API lists it, one dependency
// snapshot, and the organisation-wide inventory answering "who runs trivy-action, at which commit?".
const reportsSent = (route: string) => fake.requests.filter((request) => request.route === route).length;
out.write(
  `\n=== code scanning and the dependency graph: ${reportsSent('POST /repos/{owner}/{repo}/code-scanning/sarifs')} SARIF uploads, ${reportsSent('POST /repos/{owner}/{repo}/dependency-graph/snapshots')} snapshots (one of each a repository with something to say; each only when it changes)\n`,
);
const alerted = repositories.find((repository) => repository.sarifUploads.length > 0);
if (alerted) {
  const response = await fetch(`${fake.url}/repos/${alerted.owner}/${alerted.name}/code-scanning/alerts?state=open`, {
    headers: { authorization: 'token demo' },
  });
  const alerts = (await response.json()) as {
    number: number;
    rule: { id: string; security_severity_level: string | null };
    most_recent_instance: { location: { path: string; start_line: number }; message: { text: string } };
  }[];
  const alert = alerts.find((candidate) => candidate.rule.security_severity_level === 'critical') ?? alerts[0];
  if (alert)
    out.write(
      `GET /repos/${alerted.owner}/${alerted.name}/code-scanning/alerts: ${alerts.length} open; #${alert.number} ${alert.rule.id} (${alert.rule.security_severity_level}) at ${alert.most_recent_instance.location.path}:${alert.most_recent_instance.location.start_line}: ${alert.most_recent_instance.message.text}\n`,
    );
}
const snapshotted = repositories.find((repository) => repository.snapshots.length > 0);
const snapshot = snapshotted?.snapshots.at(-1);
if (snapshotted && snapshot) {
  out.write(
    `snapshot of ${snapshotted.owner}/${snapshotted.name} at ${snapshot.sha.slice(0, 12)} (${snapshot.ref}):\n`,
  );
  for (const [manifest, { resolved }] of Object.entries(snapshot.manifests))
    for (const dependency of Object.values(resolved ?? {}).slice(0, 4))
      out.write(`  ${manifest}: ${dependency.relationship} ${dependency.package_url}\n`);
}
out.write('\n$ pinwarden inventory --org demo-org --name aquasecurity/trivy-action\n');
await cli(['inventory', '--org', 'demo-org', '--name', 'aquasecurity/trivy-action', '--api-url', fake.url], {
  stdout: out,
  stderr: { write: () => true },
  env: { GITHUB_TOKEN: 'demo' },
  cwd: process.cwd(),
});

// The check scene: a pull request adds `actions/setup-go@v5`; the check fails on that line; someone
// who can write presses "Pin them"; the branch gets the pin and the check of the new head passes.
const webApp = repositories[0]!;
webApp.collaborators.set('maintainer', 'write');
const developer = { login: 'developer', type: 'User' as const };
const workflowPath = '.github/workflows/ci.yml';
const base = readCommitFiles(webApp.git, webApp.branches.get(webApp.defaultBranch)!).get(workflowPath)!;
const addedStep = base.replace(/\n(\s+)- uses: /, '\n$1- uses: actions/setup-go@v5\n$1- uses: ');
const pull = openPullRequest(webApp, {
  title: 'Build with Go',
  head: 'add-go',
  user: developer,
  changes: { [workflowPath]: addedStep },
});
out.write(
  `\n=== check scene: ${webApp.owner}/${webApp.name}#${pull.number} "${pull.title}" adds actions/setup-go@v5\n`,
);
await app.deliver('pull_request', pullRequestEvent(webApp, pull.number, 'opened'));
await app.pinwarden.idle();
const failing = webApp.checkRuns.at(-1)!;
out.write(
  `check "${failing.name}" on ${failing.headSha.slice(0, 12)}: ${failing.conclusion}, "${failing.output.title}"\n`,
);
for (const annotation of failing.annotations)
  out.write(
    `  ${annotation.annotation_level} ${annotation.path}:${annotation.start_line} ${annotation.title}: ${annotation.message}\n`,
  );
out.write(
  `buttons: ${failing.actions.map((action) => `[${action.label}]`).join(' ') || 'none'}; maintainer presses [Pin them]\n`,
);
await app.deliver(
  'check_run',
  checkRunRequestedAction(webApp, failing, 'pin', [pull.number], { login: 'maintainer', type: 'User' }),
);
await app.pinwarden.idle();
const pinnedHead = webApp.branches.get('add-go')!;
out.write(renderUnifiedDiff(workflowPath, addedStep, readCommitFiles(webApp.git, pinnedHead).get(workflowPath)!));
await app.deliver('pull_request', pullRequestEvent(webApp, pull.number, 'synchronize'));
await app.pinwarden.idle();
const passing = webApp.checkRuns.at(-1)!;
out.write(
  `check "${passing.name}" on ${passing.headSha.slice(0, 12)}: ${passing.conclusion}, "${passing.output.title}"\n`,
);

const dashboard = [...repositories.find((repository) => repository.name === '.github')!.issues.values()].find(
  (issue) => issue.title === 'pinwarden: organisation status',
);
out.write(
  `\n=== ${dashboard ? `demo-org/.github#${dashboard.number} "${dashboard.title}"\n\n${dashboard.body}` : 'no dashboard issue'}\n\n`,
);

const lookups = registry.counts();
const imagesAsked = Object.keys(lookups.manifests).length;
out.write(
  `Registry requests: ${lookups.total} for ${imagesAsked} distinct images and tags (digests by HEAD after the 401 challenge and the token; beside each digest its referrers (${lookups.byKind['GET referrers'] ?? 0}), bundles (${lookups.byKind['GET blobs'] ?? 0}) and cosign's .sig tag)\n`,
);
await app.stop();
await fake.close();
await registry.close();
await sigstore.close();
