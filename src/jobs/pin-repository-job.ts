// One run for one repository: read it (one GraphQL query), load its config, plan the pins,
// decide what the branch and pull request need, and write that. Returns what happened, for
// logs and for the reply to a comment command; expected situations are outcomes, not errors.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { filesLeftAlone, planRepository } from '../plan/plan-repository.js';
import type { RepositoryPlan, RepositorySnapshot, SnapshotFile } from '../plan/plan-repository.js';
import { decideAttention, decideIssue } from '../attention/attention-issue.js';
import type { AuditFacts } from '../audit/audit-facts.js';
import { auditFiles, auditedLockfile, checkExfiltrationRepositories } from '../audit/audit-files.js';
import type { AuditedFile } from '../audit/audit-files.js';
import { checkExposure } from '../audit/exposure.js';
import { findingsIssueLines } from '../audit/render-findings-markdown.js';
import { gateFailuresAfterPinning, imageGateFailuresAfterPinning } from '../plan/gate-files.js';
import type { AttentionReport } from '../attention/attention-issue.js';
import { safeMessage } from '../markdown/safe-markdown.js';
import { decidePullRequest, fingerprintTrailer, planFingerprint } from '../pull-request/decide-pull-request.js';
import type { Trigger } from '../pull-request/decide-pull-request.js';
import { SIGNING_COMMIT_MESSAGE, renderPullRequest } from '../pull-request/render-pull-request.js';
import type { RefResolver } from '../resolve/types.js';
import type { GitHubClient } from '../github/github-client.js';
import type { LoadConfig } from '../github/load-config.js';
import { CONFIG_PATH } from '../github/load-config.js';
import { readRepository } from '../github/read-repository.js';
import { isSerious } from '../audit/types.js';
import { DEFAULT_PULL_REQUEST_TITLE, trustPolicyOf } from '../config/pinwarden-config.js';
import type { PinTrust } from '../trust/pin-trust.js';
import type { RepositoryRead } from '../github/read-repository.js';
import { withinBodyLimit } from '../markdown/github-limits.js';
import { postComment } from '../github/comments.js';
import { writeAttention } from '../github/write-attention.js';
import { writePullRequest } from '../github/write-pull-request.js';
import type { JobOutcome, RunReport } from './job-outcome.js';
import { auditRepositoryImages, imageResolverOf, keptImageRead, readRepositoryImages } from './repository-images.js';
import type { ImageResolverFor } from './repository-images.js';
import { reportToGitHub } from './report-to-github.js';
import type { ReportOutcome, SecurityReporting } from './report-to-github.js';
import { inventoryOf } from '../inventory/inventory.js';
import { locateImageFile } from '../images/locate-image-file.js';
import type { LocateImagesResult } from '../images/types.js';

export interface RepositoryJobDeps {
  readonly github: GitHubClient;
  /** The resolver, or one made for the repository's snapshot (the benchmark's naive resolver). */
  readonly resolver: RefResolver | ((snapshot: RepositorySnapshot) => RefResolver);
  /** Plan and report, write nothing (benchmarks measure the read-and-plan phase with it). */
  readonly dryRun?: boolean;
  readonly loadConfig: LoadConfig;
  readonly log: Pick<Logger, 'info' | 'warn' | 'debug'>;
  /** Web address for links in pull requests: https://github.com or an Enterprise host. */
  readonly webUrl: string;
  /** What the audit asks of GitHub; without it, no audit runs (benchmarks of pinning alone). */
  readonly auditFacts?: AuditFacts;
  /** Where image digests are read, for a repository's `images.mirrors`; without it, images are not pinned. */
  readonly imageResolverFor?: ImageResolverFor;
  /** Pin-time trust (the installation's); without it, tags are written as they resolve. */
  readonly trust?: PinTrust;
  /** Code scanning and the dependency graph: where the findings and the inventory are sent. */
  readonly reporting?: SecurityReporting;
  /** Asks for a pinning run of another repository of the installation (a called workflow's). */
  readonly pinAlso?: (repository: { readonly owner: string; readonly name: string }) => Promise<void>;
}

/** `preRead`: the repository as an installation's batched read found it, when still current. */
export async function runRepositoryJob(
  deps: RepositoryJobDeps,
  repository: { owner: string; name: string },
  trigger: Trigger,
  preRead?: RepositoryRead,
): Promise<JobOutcome> {
  const { github, log } = deps;
  const { owner, name } = repository;
  const read = preRead ?? (await readRepository(github, owner, name));
  if (read.status === 'skipped') {
    log.info({ reason: read.reason }, `skipped: repository is ${read.reason}`);
    return { status: 'skipped', reason: read.reason };
  }

  // What no pull request of pinwarden's carries is said in the repository's attention issue,
  // which is closed again once a run finds nothing to say there.
  const settleAttention = async (report: AttentionReport | undefined) => {
    if (deps.dryRun) return;
    const decision = decideAttention(read.attentionIssue, report);
    if (decision.kind !== 'none') log.info({ attention: decision.kind }, `attention issue: ${decision.kind}`);
    await writeAttention(github, repository, decision);
  };

  // An invalid config is said on the open pull request, else in the attention issue; nothing else is done.
  const configInvalid = async (problems: readonly string[]): Promise<JobOutcome> => {
    log.warn({ problems }, `${CONFIG_PATH} is invalid; nothing else is done for this repository`);
    const pull = read.pullRequest;
    if (pull?.state === 'OPEN') {
      const marker = `<!-- pinwarden:config ${createHash('sha256').update(problems.join('\n')).digest('hex').slice(0, 16)} -->`;
      if (!pull.commentBodies.some((body) => body.includes(marker)) && !deps.dryRun) {
        await postComment(github, repository, pull.number, configProblemComment(problems, marker));
      }
    } else {
      await settleAttention({ kind: 'config-invalid', configPath: CONFIG_PATH, problems });
    }
    return { status: 'config-invalid', problems };
  };
  const config = await deps.loadConfig(github, owner, name, read.configText);
  if (!config.ok) return configInvalid(config.problems);
  const images = imageResolverOf(deps, config.config);
  if (images?.ok === false) return configInvalid([images.problem]);

  const imageRead = images?.ok
    ? (keptImageRead(read, config.config) ??
      (await readRepositoryImages(github, repository, read.headSha, config.config)))
    : undefined;
  const snapshot: RepositorySnapshot = {
    repository: `${owner}/${name}`,
    files: read.files,
    unreadable: [...read.unreadable, ...(imageRead?.unreadable ?? [])],
    dependabot: read.dependabot,
    actionsLock: read.actionsLock,
    ...(read.preCommit ? { preCommit: read.preCommit } : {}),
    ...(imageRead
      ? {
          imageFiles: imageRead.files,
          imageNotes: imageRead.notes,
          kyvernoText: imageRead.also.find((file) => file.path === config.config.images.kyverno_path)?.text,
        }
      : {}),
  };
  const plan = await planRepository(
    snapshot,
    config.config,
    typeof deps.resolver === 'function' ? deps.resolver(snapshot) : deps.resolver,
    images?.ok ? images.resolver : undefined,
    deps.trust,
  );
  // The audit of what the default branch holds: said at the top of the pull request and, when
  // high or critical, in the repository's findings issue (closed once the findings are gone).
  const audited = auditedFiles(plan, snapshot.actionsLock);
  const audit = deps.auditFacts
    ? await auditFiles(audited, deps.auditFacts, undefined, {
        staysOnTag: config.config.must_stay_on_tag,
        ...(deps.trust ? { trust: { trust: deps.trust, policy: trustPolicyOf(config.config) } } : {}),
      })
    : undefined;
  const findings = deps.auditFacts
    ? [
        ...(await checkExfiltrationRepositories(owner, deps.auditFacts)),
        ...(await checkExposure(owner, name, audited, deps.auditFacts)).findings,
        ...(audit?.findings ?? []),
        ...auditRepositoryImages(plan),
      ]
    : [];
  // Called workflows of this organisation that GitHub's SHA policy would refuse: pinned there, in
  // their own pull request, which this one links.
  const calledHere = (audit?.calledWorkflowRepositories ?? []).filter(
    (called) => called.owner.toLowerCase() === owner.toLowerCase() && called.repo.toLowerCase() !== name.toLowerCase(),
  );
  if (!deps.dryRun && deps.pinAlso)
    for (const called of calledHere) await deps.pinAlso({ owner: called.owner, name: called.repo });
  // The findings issue the pull request links: the one the run found, or the one it opened.
  let findingsIssue = read.findingsIssue?.number;
  if (deps.auditFacts && !deps.dryRun) {
    const texts = new Map(snapshot.files.map((file) => [file.path, file.text]));
    const decision = decideIssue(
      'findings',
      read.findingsIssue,
      findingsIssueLines(findings, (path) => texts.get(path)),
    );
    if (decision.kind !== 'none')
      log.info({ findings: findings.length, issue: decision.kind }, `findings issue: ${decision.kind}`);
    const written = await writeAttention(github, repository, decision);
    findingsIssue = decision.kind === 'close' ? undefined : (written ?? findingsIssue);
  }
  const imageFiles = plan.images?.files ?? [];
  const pins =
    plan.pinned.reduce(
      (count, file) =>
        count + (file.status === 'rewritten' ? file.plan.entries.filter((entry) => entry.action === 'pin').length : 0),
      0,
    ) +
    imageFiles.reduce(
      (count, file) =>
        count + (file.status === 'rewritten' ? file.entries.filter((entry) => entry.action === 'pin').length : 0),
      0,
    );
  // What will still fail the gate once this pull request merges: the CLI's rule, the same count.
  const unpinned =
    plan.pinned.flatMap((file) => gateFailuresAfterPinning(file)).length +
    imageFiles.flatMap((file) => imageGateFailuresAfterPinning(file)).length;
  // The signing steps are a commit of their own on top of the pins, so a reviewer can take one without the other.
  const signingChanges = plan.signing?.changes ?? [];
  const fingerprint = planFingerprint(read.headSha, [
    ...plan.changes,
    ...signingChanges.map((change) => ({ path: `${change.path} (signing)`, text: change.text })),
  ]);
  const findingsIssueUrl =
    findingsIssue === undefined ? undefined : `${deps.webUrl}/${owner}/${name}/issues/${findingsIssue}`;
  const text = renderPullRequest({
    plan,
    title: config.config.pull_request.title,
    webUrl: deps.webUrl,
    findings,
    ...(findingsIssueUrl ? { findingsIssueUrl } : {}),
    ...(calledHere.length > 0 ? { calledWorkflows: calledHere } : {}),
  });
  const commitMessage = `${text.commitMessage}\n${fingerprintTrailer(fingerprint)}`;
  // An open pull request keeps the title pinwarden chose for it (people know it by that name); a
  // title the config names is the config's.
  const title =
    read.pullRequest?.state === 'OPEN' && config.config.pull_request.title === DEFAULT_PULL_REQUEST_TITLE
      ? read.pullRequest.title
      : text.title;
  const decision = decidePullRequest({
    trigger,
    changeCount: plan.changes.length + signingChanges.length,
    fingerprint,
    baseSha: read.headSha,
    branch: read.pinBranch,
    pullRequest: read.pullRequest,
    title,
    body: text.body,
  });
  log.debug({ decision: decision.kind, changes: plan.changes.length, pins, unpinned }, 'planned');
  const report: RunReport = {
    serious: findings.filter(isSerious),
    dependabot: !plan.dependabot
      ? 'not-needed'
      : plan.dependabot.action === 'present'
        ? 'covered'
        : plan.dependabot.action === 'unable'
          ? 'not-covered'
          : 'in-pull-request',
    pullRequestState: read.pullRequest?.state,
    links: {
      repository: `${deps.webUrl}/${owner}/${name}`,
      ...(read.pullRequest ? { pullRequest: read.pullRequest.url } : {}),
      ...(findingsIssueUrl ? { findingsIssue: findingsIssueUrl } : {}),
    },
  };
  if (deps.dryRun)
    return { status: 'dry-run', decision: decision.kind, changes: plan.changes.length, pins, unpinned, report };

  const writeDecision = async (): Promise<JobOutcome> => {
    switch (decision.kind) {
      case 'nothing-to-pin': {
        log.info({ unpinned }, 'nothing to pin');
        const leftAlone = filesLeftAlone(plan);
        await settleAttention(
          leftAlone.length > 0 && read.pullRequest?.state !== 'OPEN'
            ? { kind: 'files-left-alone', files: leftAlone }
            : undefined,
        );
        return {
          status: 'nothing-to-pin',
          unpinned,
          leftAlone,
          pullRequestUrl: read.pullRequest?.state === 'OPEN' ? read.pullRequest.url : undefined,
          report,
        };
      }
      case 'closed-by-user':
        log.info(
          { pullRequest: decision.pullRequest.number },
          'pull request was closed without merge; not reopened by this event',
        );
        return { status: 'closed-by-user', pullRequestUrl: decision.pullRequest.url, report };
      case 'human-commits': {
        log.warn(
          { pullRequest: decision.pullRequest?.number },
          'someone else committed to the pinwarden branch; not overwritten',
        );
        if (decision.pullRequest?.state === 'OPEN' && !decision.alreadyNoted) {
          await postComment(
            github,
            repository,
            decision.pullRequest.number,
            `${decision.marker}\nThis branch has a commit pinwarden did not make, so pinwarden did not overwrite it. The pins it would write now are in the table above as of its last run; merge or close this pull request and comment \`/pinwarden pin\` to start again from the default branch.`,
          );
        }
        return { status: 'human-commits', pullRequestUrl: decision.pullRequest?.url, report };
      }
      case 'write': {
        // The pull request's body carries what could not be done from now on.
        await settleAttention(undefined);
        const written = await writePullRequest(
          github,
          {
            owner,
            name,
            repositoryId: read.repositoryId,
            defaultBranch: read.defaultBranch,
            headSha: read.headSha,
            branch: read.pinBranch ? { id: read.pinBranch.id, head: read.pinBranch.head } : undefined,
          },
          decision,
          [
            { message: commitMessage, changes: plan.changes },
            { message: `${SIGNING_COMMIT_MESSAGE}\n${fingerprintTrailer(fingerprint)}`, changes: signingChanges },
          ].filter((commit) => commit.changes.length > 0),
          { ...text, title },
          config.config.pull_request.labels,
        );
        log.info(
          { pullRequest: written.number, action: written.action, committed: written.committed, pins, unpinned },
          `pull request ${written.action}`,
        );
        return {
          status: 'pull-request',
          action: written.action,
          pullRequestUrl: written.url,
          number: written.number,
          pins,
          unpinned,
          report,
        };
      }
    }
  };
  const outcome = await writeDecision();
  // Code scanning and the dependency graph, once the pull request is written (its writes come
  // first under the content budget), and only when the audit ran (an empty SARIF closes alerts).
  if (!deps.reporting || !deps.auditFacts || !('report' in outcome)) return outcome;
  const reported = await reportToGitHub({ github, log, reporting: deps.reporting }, repository, read, {
    findings,
    inventory: inventoryOf({
      workflows: plan.located,
      images: locatedImages(plan),
      indirect: audit?.indirect,
      ...(audit ? { commitsToday: audit.commitsToday } : {}),
      findings,
    }),
  });
  const web = `${deps.webUrl}/${owner}/${name}`;
  const known = (answer: ReportOutcome) => answer === 'sent' || answer === 'unchanged';
  return {
    ...outcome,
    report: {
      ...outcome.report,
      links: {
        ...(outcome.report.links ?? { repository: web }),
        ...(known(reported.codeScanning)
          ? { codeScanning: `${web}/security/code-scanning?query=tool%3Apinwarden` }
          : {}),
        ...(known(reported.dependencyGraph) ? { dependencyGraph: `${web}/network/dependencies` } : {}),
      },
    },
  };
}

function configProblemComment(problems: readonly string[], marker: string): string {
  return withinBodyLimit(
    [
      marker,
      `pinwarden did nothing this run: \`${CONFIG_PATH}\` is invalid.`,
      '',
      ...problems.map((problem) => `- ${safeMessage(problem)}`),
    ].join('\n'),
  );
}

/** Every file read for images, located: the image pass's, or the workflows' own when images are off. */
function locatedImages(plan: RepositoryPlan): { path: string; located: LocateImagesResult }[] {
  return plan.images
    ? plan.images.files.map((file) => ({ path: file.path, located: file.located }))
    : plan.located.map((file) => ({ path: file.path, located: locateImageFile({ ...file, uses: file.located }) }));
}

/** The files the plan parsed, as the audit reads them, and the lockfile's commits. */
function auditedFiles(plan: RepositoryPlan, actionsLock: SnapshotFile | undefined): AuditedFile[] {
  const locked = new Set(plan.lockedPaths);
  const files = plan.located.map((file): AuditedFile => ({
    path: file.path,
    text: file.text,
    located: file.located,
    locked: locked.has(file.path),
  }));
  return actionsLock ? [...files, auditedLockfile(actionsLock)] : files;
}
