// What the audit says of images: unpinned ones, `latest` (whatever was pushed last), known-bad
// images (refused, alarmed), a `latest` that served a bad image during an incident, and a pinned
// digest its tag no longer names (normal for a rebuilt base image; said so Dependabot's update
// is expected, not alarming). Plain data in: located images and registry answers.
import type { Finding } from './types.js';
import { isLatest } from '../images/image-reference.js';
import { knownBadImage, latestExposure } from '../images/known-bad-images.js';
import { imageIgnored } from '../images/image-ignore.js';
import { imageKey } from '../images/image-digests.js';
import type { ImageKey, ImageResolution } from '../images/image-digests.js';
import type { PinnedImageFile } from '../images/pin-images.js';
import type { LocatedImage } from '../images/types.js';
import type { SignatureContext } from '../images/plan-images.js';
import { signatureKey, signatureVerdict } from '../images/signatures.js';

/** The images of a file as it ends: the plan's pins applied. */
export function imagesAfterPinning(file: PinnedImageFile): readonly LocatedImage[] {
  if (!file.located.ok) return [];
  if (file.status !== 'rewritten') return file.located.images;
  return file.entries.map((entry) =>
    entry.action === 'pin'
      ? { ...entry.located, image: { ...entry.located.image, digest: entry.digest } }
      : entry.located,
  );
}

export function auditImages(
  path: string,
  images: readonly LocatedImage[],
  resolutions: ReadonlyMap<ImageKey, ImageResolution>,
  signatures?: SignatureContext,
): Finding[] {
  return images.flatMap((located): Finding[] => {
    // What pinwarden cannot read fails the gate: the audit and the check say so, with the reason.
    if (located.status === 'unreadable' && !imageIgnored(located.site))
      return [
        {
          path,
          line: located.site.line,
          uses: located.site.written,
          check: 'unpinned',
          severity: 'medium',
          message: `this image cannot be pinned as written: ${located.why}`,
          evidence: {},
        },
      ];
    if (located.status !== 'image') return [];
    const { image, site } = located;
    const at = { path, line: site.line, uses: site.written };
    const findings: Finding[] = [];
    const answer = resolutions.get(imageKey(image));
    const current = answer?.status === 'resolved' ? answer.digest : undefined;
    const bad = knownBadImage(image, image.digest ?? current);
    if (bad) {
      findings.push({
        ...at,
        check: 'known-compromised',
        severity: 'critical',
        message: `a known-compromised image: ${bad.incident.title} (${bad.incident.advisories.join(', ')}); anything that ran it had its secrets exposed${bad.incident.replacement ? `. Use \`${bad.incident.replacement}\` instead (the advisory's known-safe version)` : ''}`,
        evidence: { incident: bad.incident.id, matched: bad.why, sources: bad.incident.sources },
      });
    }
    for (const incident of latestExposure(image)) {
      findings.push({
        ...at,
        check: 'known-compromised',
        severity: 'high',
        message: `\`latest\` of this image was the malicious build from ${incident.latestDuring!.start} to ${incident.latestDuring!.end} (${incident.title}); a pull then ran it`,
        evidence: { incident: incident.id, window: incident.latestDuring, sources: incident.sources },
      });
    }
    if (imageIgnored(site)) return findings;
    const digest = image.digest ?? current;
    const verdict =
      signatures && digest
        ? signatureVerdict(image, signatures.facts.get(signatureKey(image, digest)), signatures.rules)
        : undefined;
    if (verdict && !verdict.ok)
      findings.push({
        ...at,
        check: 'image-signature',
        severity: 'high',
        message: `\`${site.written}\` (\`${digest}\`) is not signed as \`images.verify\` requires (\`${verdict.rule.identity}\`, issuer \`${verdict.rule.issuer}\`): ${verdict.reason}`,
        evidence: { digest, rule: verdict.rule },
      });
    if (!image.digest)
      findings.push({
        ...at,
        check: 'unpinned',
        severity: 'medium',
        message: `an image tag can be re-pointed like a git tag; pin it by digest${current ? ` (${image.tag ? '' : ':latest'}@${current} today)` : ''}`,
        evidence: current ? { digest: current } : {},
      });
    if (isLatest(image))
      findings.push({
        ...at,
        check: 'latest-image',
        severity: 'medium',
        message: '`latest` is whatever was pushed last; name a version',
        evidence: {},
      });
    if (image.digest && image.tag && current && current !== image.digest) {
      findings.push({
        ...at,
        check: 'image-tag-moved',
        severity: 'low',
        message: `the tag \`${image.tag}\` now names \`${current}\`, not the pinned \`${image.digest}\`: a rebuilt image (expected for base images; Dependabot proposes the update) or a re-pointed tag — compare before moving`,
        evidence: { pinned: image.digest, current },
      });
    }
    return findings;
  });
}
