// Sign what you build: for each workflow job that pushes an image and does not sign it, cosign's
// keyless steps — proposed in the pull request, and written (a commit of their own, on top of the
// pins) with `images.propose_signing: true`. The cosign installer is pinned as any action is, through
// the resolver and pin-time trust: a hijacked installer tag is refused here as everywhere.
import { locateUsesSites } from '../workflow/locate-uses-sites.js';
import { readImagePushes } from '../signing/image-pushes.js';
import type { ImagePush } from '../signing/image-pushes.js';
import { addSigningSteps, cannotSign, pushStepId, signingStepLines } from '../signing/signing-steps.js';
import type { RefResolver } from '../resolve/types.js';
import { pinFiles } from './pin-files.js';
import type { TrustOption } from './pin-files.js';

/**
 * The installer the steps pin (through the resolver and trust, as any action). cosign-installer has
 * no floating major tag, so a release is named: v4.1.2, its newest in the corpus's refs
 * (shared/corpus/refs, 6f9f1778…), which installs cosign v3 — signing in Sigstore's bundle format,
 * the one pinwarden verifies. Dependabot's github-actions entry keeps it current from there.
 */
export const COSIGN_INSTALLER = 'sigstore/cosign-installer@v4.1.2';

export interface SigningProposal {
  readonly path: string;
  readonly push: ImagePush;
  /** The steps to add after the push step (YAML at a job's usual indentation). */
  readonly steps: readonly string[];
  /** The `id:` the push step needs for the steps to read its digest, when it has none. */
  readonly newStepId?: string;
  readonly outcome: 'written' | 'proposed' | 'cannot';
  /** Why it was not written: the config does not ask, or the edit cannot be made safely. */
  readonly reason?: string;
}

export interface SigningPlan {
  readonly proposals: readonly SigningProposal[];
  /** The signing commit's files (workflows as pinned, plus the steps), when the config writes them. */
  readonly changes: readonly { readonly path: string; readonly text: string }[];
  /** The installer as pinned, or why it could not be. */
  readonly installer: { readonly uses: string } | { readonly problem: string };
  /** Workflows whose jobs sign (today or once this merges), with the images they push. */
  readonly signers: readonly { readonly path: string; readonly images: readonly string[] }[];
}

/** `workflows`: every workflow as the pull request leaves it (pins applied). Undefined: nothing pushes an image. */
export async function planSigning(
  workflows: readonly { readonly path: string; readonly text: string }[],
  write: boolean,
  resolver: RefResolver,
  trust?: TrustOption,
): Promise<SigningPlan | undefined> {
  const read = workflows.map((file) => ({ file, pushes: readImagePushes(file.text) }));
  const unsigned = read.flatMap(({ file, pushes }) =>
    pushes.pushes.filter((push) => !push.signed).map((push) => ({ file, push })),
  );
  const signers = read.flatMap(({ file, pushes }) =>
    pushes.signingJobs.map((job) => ({ path: file.path, images: job.images })),
  );
  if (unsigned.length === 0 && signers.length === 0) return undefined;
  const installer = unsigned.length > 0 ? await pinInstaller(resolver, trust) : { problem: 'not needed' };
  const uses = 'uses' in installer ? installer.uses : `${COSIGN_INSTALLER} # pin it by commit`;
  const texts = new Map<string, string>();
  // Written from the last push of a file to the first: each edit adds steps after its push, so the
  // pushes before it keep their places.
  const byPlace = [...unsigned].sort((a, b) =>
    a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : b.push.stepIndex - a.push.stepIndex,
  );
  // Ids are given in the file's order (a job's first push without one gets `image`, the next `image-2`).
  // Keyed by entry, not by push: two files of the same text share their pushes (read once).
  type Entry = (typeof unsigned)[number];
  const ids = new Map<Entry, string>();
  const given = new Map<string, Set<string>>();
  for (const entry of unsigned) {
    const { file, push } = entry;
    const job = `${file.path}\n${push.job}`;
    const taken = given.get(job) ?? new Set<string>();
    const id = pushStepId(push, taken);
    if (!push.stepId) given.set(job, taken.add(id));
    ids.set(entry, id);
  }
  const outcomes = new Map<Entry, SigningProposal>();
  for (const entry of byPlace) {
    const { file, push } = entry;
    const stepId = ids.get(entry)!;
    const steps = signingStepLines(push, uses, stepId);
    const base = { path: file.path, push, steps, ...(push.stepId ? {} : { newStepId: stepId }) };
    outcomes.set(entry, decide(base, file.text));
  }
  const proposals = unsigned.map((entry) => outcomes.get(entry)!);

  function decide(base: Omit<SigningProposal, 'outcome' | 'reason'>, original: string): SigningProposal {
    const { push, path } = base;
    const cannot = cannotSign(push);
    if (cannot) return { ...base, outcome: 'cannot', reason: cannot };
    if ('problem' in installer)
      return { ...base, outcome: 'cannot', reason: `the cosign installer could not be pinned: ${installer.problem}` };
    if (!write)
      return { ...base, outcome: 'proposed', reason: 'set `images.propose_signing: true` to have pinwarden add them' };
    const current = texts.get(path) ?? original;
    // Read again on the text as it now is; a job this plan made sign is still signing only the others.
    const again = readImagePushes(current).pushes.find(
      (other) => other.job === push.job && other.stepIndex === push.stepIndex,
    );
    const edit = again
      ? addSigningSteps(current, { ...again, signed: push.signed }, uses, base.newStepId)
      : { ok: false as const, reason: 'the step moved' };
    if (!edit.ok) return { ...base, outcome: 'cannot', reason: edit.reason };
    texts.set(path, edit.text);
    return { ...base, outcome: 'written' };
  }
  const signing = new Map<string, { path: string; images: readonly string[] }>();
  for (const signer of [
    ...signers,
    ...proposals.flatMap((one) => (one.outcome === 'written' ? [{ path: one.path, images: one.push.images }] : [])),
  ])
    signing.set(JSON.stringify([signer.path, signer.images]), signer);
  return {
    proposals,
    changes: [...texts].map(([path, text]) => ({ path, text })),
    installer,
    signers: [...signing.values()],
  };
}

/** The installer pinned by the same path every action takes: resolved, judged, rewritten. */
async function pinInstaller(
  resolver: RefResolver,
  trust: TrustOption | undefined,
): Promise<{ uses: string } | { problem: string }> {
  const text = `jobs:\n  sign:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ${COSIGN_INSTALLER}\n`;
  const [pinned] = await pinFiles(
    [{ path: '.github/workflows/signing.yml', kind: 'workflow', text, located: locateUsesSites(text, 'workflow') }],
    resolver,
    undefined,
    trust ? { trust } : {},
  );
  if (pinned?.status === 'rewritten') {
    const uses = /uses: (\S+@[0-9a-f]{40}(?: # \S+)?)\n/.exec(pinned.text)?.[1];
    if (uses) return { uses };
  }
  const entry = pinned && 'plan' in pinned ? pinned.plan.entries[0] : undefined;
  return { problem: entry && entry.action === 'skip' ? entry.reason : `${COSIGN_INSTALLER} could not be pinned` };
}
