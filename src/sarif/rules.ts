// The audit's checks as SARIF rules: a name, what the check means, and the severity GitHub code
// scanning shows (`security-severity`, 0.0–10.0, on each rule; `level` on each result).
import type { CheckName, Severity } from '../audit/types.js';

export interface Rule {
  readonly name: string;
  readonly description: string;
  readonly severity: Severity;
}

export const RULES: Readonly<Record<CheckName, Rule>> = {
  'known-compromised': {
    name: 'KnownCompromised',
    description: 'A reference to a commit or a moved tag of a known supply-chain compromise',
    severity: 'critical',
  },
  'impostor-commit': {
    name: 'ImpostorCommit',
    description: 'A pinned commit no branch or tag of the repository contains (it exists only in a fork)',
    severity: 'high',
  },
  'tag-moved': {
    name: 'TagMoved',
    description: 'A release tag now names another commit than the one pinned: the release was rewritten',
    severity: 'high',
  },
  advisory: { name: 'Advisory', description: 'The pinned version is in a GitHub security advisory', severity: 'high' },
  transitive: {
    name: 'Transitive',
    description: 'The action calls another action by a mutable or compromised ref inside its own action.yml',
    severity: 'high',
  },
  ioc: {
    name: 'IndicatorOfCompromise',
    description: 'The file holds an indicator of a known compromise',
    severity: 'critical',
  },
  'must-stay-on-tag': {
    name: 'MustStayOnTag',
    description: 'An action that refuses to run from a commit SHA is pinned by one, or not on a full version tag',
    severity: 'high',
  },
  'comment-mismatch': {
    name: 'CommentMismatch',
    description: 'The version comment does not describe the pinned commit',
    severity: 'low',
  },
  unpinned: {
    name: 'Unpinned',
    description: 'A reference that can move under the workflow (tag, branch, image tag)',
    severity: 'medium',
  },
  unreadable: {
    name: 'Unreadable',
    description: 'A file that could not be read, so nothing in it was checked',
    severity: 'medium',
  },
  'actions-lock': {
    name: 'ActionsLock',
    description:
      'GitHub cannot use the workflow lockfile (it does not parse, or names references its workflows do not use): the workflows run unlocked, or fail to start',
    severity: 'high',
  },
  'latest-image': {
    name: 'LatestImage',
    description: 'An image on `latest` (or no tag): whatever was pushed last',
    severity: 'medium',
  },
  'image-tag-moved': {
    name: 'ImageTagMoved',
    description: 'The tag of a digest-pinned image now names another digest',
    severity: 'low',
  },
  'image-signature': {
    name: 'ImageSignature',
    description:
      'An image `images.verify` names has no verified Sigstore signature by the identity and issuer it requires',
    severity: 'high',
  },
  'impostor-tag': {
    name: 'ImpostorTag',
    description:
      'A tag names a commit that no branch holds and no other tag contains (it may exist only in a fork): not pinned',
    severity: 'critical',
  },
  'mass-retag': {
    name: 'MassRetag',
    description: 'Three or more releases name one commit, the shape of a hijacked repository: not pinned',
    severity: 'critical',
  },
  'release-not-descendant': {
    name: 'ReleaseNotDescendant',
    description: 'A release whose history does not hold the release before it',
    severity: 'high',
  },
  'fresh-release': {
    name: 'FreshRelease',
    description: 'A release younger than pin.min_release_age_days',
    severity: 'low',
  },
  'tag-moved-since-seen': {
    name: 'TagMovedSinceSeen',
    description: 'A release tag names another commit than when pinwarden first saw it: not pinned',
    severity: 'critical',
  },
  'downloads-latest': {
    name: 'DownloadsLatest',
    description: 'A pinned action told to download the latest version of its tool, which a pin does not hold still',
    severity: 'medium',
  },
};

/** GitHub code scanning reads `security-severity` (0.0–10.0) on rules. */
export const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};
export const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};
