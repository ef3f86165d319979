// One repository's pinning change, decided from a snapshot of its files: which workflow and
// action files change and how, and what happens to dependabot.yml. Plain data in and out; the
// app reads the snapshot and writes the result through GitHub.
import { isIgnoredAction, trustPolicyOf } from '../config/pinwarden-config.js';
import type { PinTrust } from '../trust/pin-trust.js';
import type { PinwardenConfig } from '../config/pinwarden-config.js';
import { globMatcher } from '../config/glob.js';
import type { GlobMatcher } from '../config/glob.js';
import { planDependabot } from '../dependabot/plan-dependabot.js';
import { actionsNeed } from '../dependabot/action-directories.js';
import { imageDependabotNeeds } from '../dependabot/image-ecosystems.js';
import { GITHUB_ACTIONS_ISSUER, deploysToKubernetes, planKyverno } from '../images/kyverno-policies.js';
import type { KyvernoPlan } from '../images/kyverno-policies.js';
import { pinImageFiles } from '../images/pin-images.js';
import type { PinnedImageFile } from '../images/pin-images.js';
import type { SignatureContext } from '../images/plan-images.js';
import type { ImageFile } from '../images/types.js';
import type { ImageDigestResolver, ImageKey, ImageResolution } from '../images/image-digests.js';
import type { DependabotPlan } from '../dependabot/plan-dependabot.js';
import type { RefResolver } from '../resolve/types.js';
import { parseActionsLock } from '../workflow/actions-lock.js';
import { fileKindOf } from '../workflow/file-kind.js';
import { locateUsesSites } from '../workflow/locate-uses-sites.js';
import { generatorOf } from '../workflow/generated.js';
import { freezePreCommit } from '../pre-commit/pin-pre-commit.js';
import type { PinnedPreCommit } from '../pre-commit/pin-pre-commit.js';
import { PRE_COMMIT_PATH } from '../pre-commit/locate-pre-commit.js';
import type { UsesReference } from '../workflow/types.js';
import { pinFiles, pinnedAsImageFile } from './pin-files.js';
import type { FileToPin, PinnedFile } from './pin-files.js';
import type { LocatedWorkflowFile } from '../images/types.js';
import { planSigning } from './plan-signing.js';
import type { SigningPlan } from './plan-signing.js';
import { escapeRegExp } from '../common/escape-regexp.js';

export interface SnapshotFile {
  readonly path: string;
  readonly text: string;
  /** Its `uses:`, when already located on this text (an install wave locates its files once, for every run). */
  readonly located?: LocatedWorkflowFile;
}

export interface RepositorySnapshot {
  /** Workflow and action files of the default branch (other paths are ignored). */
  readonly files: readonly SnapshotFile[];
  /** Files that could not be read as text (binary, too large), with the reason. */
  readonly unreadable: readonly { readonly path: string; readonly reason: string }[];
  readonly dependabot: SnapshotFile | undefined;
  /** `.github/workflows/actions.lock`, GitHub's workflow lockfile, when the repository has one. */
  readonly actionsLock?: SnapshotFile | undefined;
  /** `.pre-commit-config.yaml`, when the repository has one. */
  readonly preCommit?: SnapshotFile | undefined;
  /** Files that name container images (Dockerfiles, manifests, charts, …), when they were read. */
  readonly imageFiles?: readonly ImageFile[];
  /** What the read of image files left out as a whole. */
  readonly imageNotes?: readonly string[];
  /** `owner/name`: the identity a workflow of this repository signs with names it. */
  readonly repository?: string;
  /** The text at the Kyverno policies' path, when a file is there; null when something else is (a folder). */
  readonly kyvernoText?: string | null | undefined;
}

export interface FileChange {
  readonly path: string;
  readonly text: string;
}

export interface RepositoryPlan {
  readonly pinned: readonly PinnedFile[];
  readonly unreadable: RepositorySnapshot['unreadable'];
  /** Paths the config's `ignore.paths` left out. */
  readonly ignoredPaths: readonly string[];
  /** `ignore.paths` spent its matching budget: later files were not ignored (said in the pull request). */
  readonly ignoreBudgetSpent?: boolean;
  /** Workflows onboarded to actions.lock: their `uses:` are the lockfile's keys, so they are left as they are. */
  readonly lockedPaths?: readonly string[];
  /** Workflows a generator owns (gh-aw's `*.lock.yml`), with the generator: never rewritten. */
  readonly generated?: readonly { readonly path: string; readonly generator: string }[];
  /** Every workflow and action file of the snapshot as parsed, ignored and locked ones too. */
  readonly located: readonly FileToPin[];
  /** Undefined when the config turns the Dependabot entry off. */
  readonly dependabot: DependabotPlan | undefined;
  /** Every file the pull request writes; empty when nothing needs pinning. */
  readonly changes: readonly FileChange[];
  /** The image pass: undefined when images are off or no registry can be asked. */
  readonly images?: RepositoryImages;
  /** pre-commit's hooks from GitHub, pinned in its frozen form; undefined without a config. */
  readonly preCommit?: PinnedPreCommit;
  /** Jobs that push images unsigned, and the signing steps for them (a commit of their own when written). */
  readonly signing?: SigningPlan;
}

export interface RepositoryImages {
  /** Every file read for images (workflows and actions included), as pinned. */
  readonly files: readonly PinnedImageFile[];
  readonly resolutions: ReadonlyMap<ImageKey, ImageResolution>;
  /** The signatures read beside the digests, and the rules (`images.verify`) they were judged by. */
  readonly signatures: SignatureContext;
  readonly notes: readonly string[];
  readonly kyverno: KyvernoPlan | undefined;
}

/** Every `uses:` reference of the workflow and action files among `files` (unparseable files give none). */
export function snapshotReferences(files: readonly SnapshotFile[]): UsesReference[] {
  return files.flatMap((file) => {
    const kind = fileKindOf(file.path);
    const located = kind ? locateUsesSites(file.text, kind) : undefined;
    return located?.ok ? located.references : [];
  });
}

/** A file the plan does not change although it was meant to be read or pinned, and why. */
export interface FileLeftAlone {
  readonly path: string;
  /** `unparseable`: its YAML does not parse; `rejected`: the rewrite did not verify; `unread`: not read as text. */
  readonly why: 'unparseable' | 'rejected' | 'unread';
  readonly detail: string;
}

export function filesLeftAlone(plan: RepositoryPlan): FileLeftAlone[] {
  return [
    ...plan.pinned.flatMap((file) =>
      file.status === 'unreadable' ? [{ path: file.path, why: 'unparseable' as const, detail: file.error }] : [],
    ),
    ...plan.pinned.flatMap((file) =>
      file.status === 'rejected' ? [{ path: file.path, why: 'rejected' as const, detail: file.problem }] : [],
    ),
    ...plan.unreadable.map((file) => ({ path: file.path, why: 'unread' as const, detail: file.reason })),
    ...(plan.preCommit?.status === 'unreadable'
      ? [{ path: PRE_COMMIT_PATH, why: 'unparseable' as const, detail: plan.preCommit.error }]
      : plan.preCommit?.status === 'rejected'
        ? [{ path: PRE_COMMIT_PATH, why: 'rejected' as const, detail: plan.preCommit.problem }]
        : []),
    // Image files on their own (a workflow whose YAML does not parse is said once, above).
    ...(plan.images?.files ?? []).flatMap((file): FileLeftAlone[] =>
      file.status === 'unreadable' && file.kind !== 'workflow' && file.kind !== 'action'
        ? [{ path: file.path, why: 'unparseable', detail: file.error }]
        : file.status === 'rejected'
          ? [{ path: file.path, why: 'rejected', detail: `its images: ${file.problem}` }]
          : [],
    ),
  ];
}

/** `imageResolver`: where image digests are read; without it, images are left to a later run. */
export async function planRepository(
  snapshot: RepositorySnapshot,
  config: PinwardenConfig,
  resolver: RefResolver,
  imageResolver?: ImageDigestResolver,
  trust?: PinTrust,
): Promise<RepositoryPlan> {
  const ignoredPaths: string[] = [];
  const ignore = globMatcher(config.ignore.paths);
  const lockedPaths: string[] = [];
  // GitHub ignores a lockfile it cannot read, so its workflows run unlocked: they are pinned as any
  // other (the audit says the lockfile is broken). An onboarded workflow of a lockfile GitHub reads
  // is left as it is: its `uses:` are the lockfile's keys.
  const lock = snapshot.actionsLock ? parseActionsLock(snapshot.actionsLock.text) : undefined;
  const isLocked = (path: string) => lock?.ok === true && fileKindOf(path) === 'workflow' && lock.workflows.has(path);
  // Every workflow and action file parsed once: for pinning here, for the audit by the caller.
  const located = snapshot.files.flatMap((file): FileToPin[] => {
    const kind = fileKindOf(file.path);
    return kind
      ? [{ path: file.path, kind, text: file.text, located: file.located ?? locateUsesSites(file.text, kind) }]
      : [];
  });
  const generated: { path: string; generator: string }[] = [];
  const files = located.filter((file) => {
    if (isLocked(file.path)) {
      lockedPaths.push(file.path);
      return false;
    }
    const generator = generatorOf(file.text);
    if (generator) {
      generated.push({ path: file.path, generator });
      return false;
    }
    if (ignore.matches(file.path)) {
      ignoredPaths.push(file.path);
      return false;
    }
    return true;
  });
  const pinned = await pinFiles(files, resolver, (ref) => isIgnoredAction(config, ref), {
    staysOnTag: config.must_stay_on_tag,
    ...(trust ? { trust: { trust, policy: trustPolicyOf(config) } } : {}),
  });
  const finalText = new Map(
    pinned.flatMap((file) => (file.status === 'rewritten' ? [[file.path, file.text] as const] : [])),
  );
  const pinnedImages =
    imageResolver && config.images.enabled
      ? await pinRepositoryImages(snapshot, files, pinned, config, imageResolver, ignore)
      : undefined;
  for (const file of pinnedImages?.files ?? []) if (file.status === 'rewritten') finalText.set(file.path, file.text);
  const signing = config.images.enabled
    ? await planSigning(
        files
          .filter((file) => file.kind === 'workflow')
          .map((file) => ({ path: file.path, text: finalText.get(file.path) ?? file.text })),
        config.images.propose_signing,
        resolver,
        trust ? { trust, policy: trustPolicyOf(config) } : undefined,
      )
    : undefined;
  const images = pinnedImages && {
    ...pinnedImages,
    kyverno: kyvernoFor(snapshot, pinnedImages, signing, config, imageResolver?.mirrorHost?.bind(imageResolver)),
  };
  const preCommit =
    snapshot.preCommit && !ignore.matches(snapshot.preCommit.path)
      ? await freezePreCommit(snapshot.preCommit.text, resolver)
      : undefined;
  if (preCommit?.status === 'rewritten') finalText.set(snapshot.preCommit!.path, preCommit.text);
  // Dependabot keeps pins current: proposed wherever a remote action is (or is about to be) pinned,
  // and for the folders whose images hold a digest once this merges.
  const pinsRemote = (file: PinnedFile) =>
    'plan' in file &&
    file.plan.entries.some(
      (entry) =>
        entry.action === 'pin' || (entry.action === 'keep' && entry.why === 'pinned' && entry.ref.kind !== 'docker'),
    );
  const pinnedActions = pinned.filter((file) => fileKindOf(file.path) === 'action' && pinsRemote(file));
  const needs = [
    ...(pinned.some(pinsRemote)
      ? [
          actionsNeed(
            pinnedActions.map((file) => file.path),
            generated.filter((file) => fileKindOf(file.path) === 'workflow').map((file) => file.path),
          ),
        ]
      : []),
    ...imageDependabotNeeds((images?.files ?? []).filter(holdsDigests)),
    ...(preCommit && 'entries' in preCommit && preCommit.entries.some((entry) => entry.action !== 'skip')
      ? [{ ecosystem: 'pre-commit' as const, directories: ['/'] }]
      : []),
  ];
  const dependabot =
    config.dependabot.enabled && needs.length > 0
      ? planDependabot(
          snapshot.dependabot,
          { schedule: config.dependabot.schedule, cooldownDays: config.dependabot.cooldown_days },
          needs,
        )
      : undefined;
  const dependabotChange =
    dependabot && (dependabot.action === 'create' || dependabot.action === 'add-entry')
      ? [{ path: dependabot.path, text: dependabot.text }]
      : [];
  const kyvernoChange =
    images?.kyverno?.action === 'add' ? [{ path: images.kyverno.path, text: images.kyverno.text }] : [];
  const changes = [...[...finalText].map(([path, text]) => ({ path, text })), ...dependabotChange, ...kyvernoChange];
  return {
    pinned,
    unreadable: snapshot.unreadable,
    ignoredPaths,
    lockedPaths,
    ...(generated.length > 0 ? { generated } : {}),
    ...(preCommit ? { preCommit } : {}),
    located,
    dependabot,
    changes,
    ...(images ? { images } : {}),
    ...(signing ? { signing } : {}),
    ...(ignore.spent() ? { ignoreBudgetSpent: true } : {}),
  };
}

/**
 * The image pass: workflows and actions as the action pass left them (locked and ignored ones
 * stay out), then every image file read; one registry batch for all of them.
 */
async function pinRepositoryImages(
  snapshot: RepositorySnapshot,
  files: readonly FileToPin[],
  pinned: readonly PinnedFile[],
  config: PinwardenConfig,
  resolver: ImageDigestResolver,
  ignore: GlobMatcher,
): Promise<Omit<RepositoryImages, 'kyverno'>> {
  const actionFiles = pinned.flatMap((result, index) => pinnedAsImageFile(result, files[index]!) ?? []);
  const imageFiles = (snapshot.imageFiles ?? []).filter((file) => !ignore.matches(file.path));
  const result = await pinImageFiles([...actionFiles, ...imageFiles], resolver, undefined, config.images.verify);
  return {
    files: result.files,
    resolutions: result.resolutions,
    signatures: { facts: result.signatures, rules: config.images.verify },
    notes: snapshot.imageNotes ?? [],
  };
}

/**
 * The cluster's policies from what was read: the images the deployed files name, the mirrors the
 * repository pulls through, and who signs what (`images.verify`, and this repository's workflows
 * that sign — today, or once the signing steps merge).
 */
function kyvernoFor(
  snapshot: RepositorySnapshot,
  images: Omit<RepositoryImages, 'kyverno'>,
  signing: SigningPlan | undefined,
  config: PinwardenConfig,
  mirrorHost: ((registry: string) => string | undefined) | undefined,
): KyvernoPlan | undefined {
  const deployed = images.files.filter((file) => deploysToKubernetes(file.kind));
  const located = deployed.flatMap((file) =>
    file.located.ok ? file.located.images.flatMap((entry) => (entry.status === 'image' ? [entry] : [])) : [],
  );
  const written = located.map((entry) => entry.site.written);
  // The mirror host of each registry the images come from, where one stands in for it.
  const mirrors = new Map(
    located.flatMap((entry) => {
      const host = mirrorHost?.(entry.image.registry);
      return host ? [[entry.image.registry, host] as const] : [];
    }),
  );
  const repository = snapshot.repository;
  const signers = [
    ...config.images.verify.map((rule) => ({ images: [rule.image], identity: rule.identity, issuer: rule.issuer })),
    ...(repository
      ? (signing?.signers ?? [])
          .filter((signer) => signer.images.length > 0)
          .map((signer) => ({
            images: signer.images.flatMap((name) => [`${name}:*`, `${name}@*`]),
            identity: `https://github\\.com/${escapeRegExp(repository)}/${escapeRegExp(signer.path)}@refs/.+`,
            issuer: GITHUB_ACTIONS_ISSUER,
          }))
      : []),
  ];
  return planKyverno(
    deployed.map((file) => file.kind),
    { written, mirrors, signers },
    { add: config.images.kyverno, path: config.images.kyverno_path },
    snapshot.kyvernoText,
  );
}

/** A file whose images hold a digest once the plan is applied (pinned now or before). */
function holdsDigests(file: PinnedImageFile): boolean {
  return (
    file.status !== 'unreadable' &&
    file.entries.some((entry) => entry.action === 'pin' || (entry.action === 'keep' && entry.why === 'pinned'))
  );
}
